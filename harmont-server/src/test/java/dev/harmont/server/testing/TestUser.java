package dev.harmont.server.testing;

import java.util.UUID;

/** A user created for a test, with one fresh personal API key ({@code token}). */
public record TestUser(UUID id, String email, String name, String token) {}
