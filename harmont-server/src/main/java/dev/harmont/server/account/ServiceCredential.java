package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A service credential: what another service presents to introspect tokens ({@code POST
 * /api/v0/oauth/introspect}). It can do nothing else. Its secret ({@code hms_…}) is stored as
 * SHA-256 only; {@code hint} is its last 4 characters, to tell credentials apart.
 *
 * @param revokedAt null while it works
 * @param lastUsedAt written at most once a minute; null: never used
 */
public record ServiceCredential(
    UUID id, String name, String hint, Instant createdAt, Instant revokedAt, Instant lastUsedAt) {}
