package dev.harmont.cloud;

import java.time.Instant;
import java.util.Objects;

/**
 * A personal API key as the server describes it, without its secret (the contract's {@code
 * ApiToken}). The secret exists only in the {@link CreatedApiToken} returned once by {@link
 * HarmontClient#createApiToken(ApiTokenCreate)}.
 *
 * @param id the key's stable id; pass it to {@link HarmontClient#revokeApiToken(String)}
 * @param description the human label, or {@code null} when the key has none
 * @param hint the last 4 characters of the key's secret, to tell keys apart (shown as {@code
 *     hm_…x9Qz}); {@code null} for keys created before secrets had a checksum. It changes when the
 *     key is rotated.
 * @param createdAt when the key was created
 * @param expiresAt when the key expires, or {@code null} when it never expires
 * @param lastUsedAt when the key last authenticated a request, or {@code null} if never; the server
 *     updates it at most about once a minute, so it is approximate
 */
public record ApiToken(
    String id,
    String description,
    String hint,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt) {
  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if {@code id} or {@code createdAt} is null
   */
  public ApiToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
