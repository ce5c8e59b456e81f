package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * A one-time permission, given in the browser by a signed-in user, for a CLI to receive a personal
 * API key. Stored by the SHA-256 of its code only; bound to the S256 challenge of a verifier that
 * only the CLI knows.
 */
public record CliGrant(
    UUID id,
    UUID userId,
    String codeChallenge,
    String clientName,
    Instant createdAt,
    Instant expiresAt) {}
