package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * An account's identity at a single sign-on provider: {@code (issuer, subject)} is the provider's
 * stable name for the person, linked to one account only. The address is what the provider said at
 * the last sign-in; a changed address never moves the identity.
 *
 * @param provider the provider's name as configured and shown ({@code Company SSO}, {@code Google},
 *     {@code GitHub})
 * @param email the address the provider gave, verified by it; null when it gave none
 * @param lastUsedAt the last sign-in with it; null before the first after linking
 */
public record SsoIdentity(
    UUID id,
    UUID userId,
    String provider,
    String issuer,
    String subject,
    String email,
    Instant linkedAt,
    Instant lastUsedAt) {}
