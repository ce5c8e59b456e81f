package dev.harmont.server.account;

/** A new user and the first personal API key minted for them. */
public record CreatedUser(User user, CreatedToken key) {}
