package dev.harmont.cloud;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the current user's security log ({@link HarmontClient#listEvents(EventListParams)}).
 * Never carries a secret.
 *
 * @param id the event's id
 * @param type what happened: {@code user.renamed}, {@code api_token.created}, {@code
 *     api_token.rotated}, {@code api_token.revoked}, {@code session.created}, {@code
 *     session.ended}; newer servers may add types, so treat unknown ones as informational
 * @param createdAt when it happened
 * @param ip the client address, or {@code null} for operator actions
 * @param userAgent the client's {@code User-Agent} (at most 256 characters), or {@code null}
 * @param requestId the {@code X-Request-Id} of the request that caused it, or {@code null}
 * @param apiTokenId the API key the event is about ({@code api_token.*}), else {@code null}
 */
public record SecurityEvent(
    String id,
    String type,
    Instant createdAt,
    String ip,
    String userAgent,
    String requestId,
    String apiTokenId) {
  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if {@code id}, {@code type} or {@code createdAt} is null
   */
  public SecurityEvent {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(createdAt, "createdAt");
  }
}
