package dev.harmont.server.account;

/** Who is calling: the user and the very token they presented. */
public record Authenticated(User user, ApiToken token) {}
