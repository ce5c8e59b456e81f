package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a user's security log. Never holds a secret or a hash: only what happened, when,
 * from where ({@link RequestContext}) and which key it concerns.
 *
 * @param apiTokenId the personal API key the event is about ({@code api_token.*}), else null
 */
public record SecurityEvent(
    UUID id,
    UUID userId,
    SecurityEventType type,
    Instant createdAt,
    String ip,
    String userAgent,
    String requestId,
    UUID apiTokenId) {

  static SecurityEvent of(
      UUID id,
      UUID userId,
      SecurityEventType type,
      Instant at,
      RequestContext context,
      UUID apiTokenId) {
    return new SecurityEvent(
        id, userId, type, at, context.ip(), context.userAgent(), context.requestId(), apiTokenId);
  }
}
