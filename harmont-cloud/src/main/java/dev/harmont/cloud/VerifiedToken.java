package dev.harmont.cloud;

import java.time.Instant;
import java.util.UUID;

/**
 * Who a bearer token belongs to, as {@link TokenVerifier#verify} found it: the fields of an active
 * RFC 7662 introspection answer.
 *
 * @param userId the user's id ({@code sub})
 * @param email the user's email ({@code username})
 * @param tokenId the id of the key or session ({@code client_id})
 * @param kind {@code personal} (an API key) or {@code session} ({@code token_type})
 * @param organization the slug of the user's personal organization ({@code harmont_org})
 * @param issuedAt when the token was created ({@code iat})
 * @param expiresAt when it expires ({@code exp}); null when it never does
 */
public record VerifiedToken(
    UUID userId,
    String email,
    UUID tokenId,
    String kind,
    String organization,
    Instant issuedAt,
    Instant expiresAt) {}
