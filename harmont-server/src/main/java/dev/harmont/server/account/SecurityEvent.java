package dev.harmont.server.account;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a user's security log. Never holds a secret or a hash: only what happened, when,
 * from where ({@link RequestContext}) and which key it concerns.
 *
 * @param apiTokenId the personal API key the event is about ({@code api_token.*}), else null
 * @param method how a session was started ({@code session.created}), else null
 * @param passkeyId the passkey the event is about ({@code passkey.*}), else null
 * @param provider the single sign-on provider's name ({@code identity.*}, and {@code
 *     session.created} by {@link SignInMethod#OIDC}), else null
 */
public record SecurityEvent(
    UUID id,
    UUID userId,
    SecurityEventType type,
    Instant createdAt,
    String ip,
    String userAgent,
    String requestId,
    UUID apiTokenId,
    SignInMethod method,
    UUID passkeyId,
    String provider) {

  /** An event without a provider. */
  public SecurityEvent(
      UUID id,
      UUID userId,
      SecurityEventType type,
      Instant createdAt,
      String ip,
      String userAgent,
      String requestId,
      UUID apiTokenId,
      SignInMethod method,
      UUID passkeyId) {
    this(
        id, userId, type, createdAt, ip, userAgent, requestId, apiTokenId, method, passkeyId, null);
  }

  /** An event about an account or a key, without a sign-in method or a passkey. */
  public SecurityEvent(
      UUID id,
      UUID userId,
      SecurityEventType type,
      Instant createdAt,
      String ip,
      String userAgent,
      String requestId,
      UUID apiTokenId) {
    this(id, userId, type, createdAt, ip, userAgent, requestId, apiTokenId, null, null, null);
  }

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

  /** The same event, saying how the session it records was started. */
  public SecurityEvent withMethod(SignInMethod value) {
    return new SecurityEvent(
        id,
        userId,
        type,
        createdAt,
        ip,
        userAgent,
        requestId,
        apiTokenId,
        value,
        passkeyId,
        provider);
  }

  /** The same event, naming the passkey it is about. */
  public SecurityEvent withPasskey(UUID value) {
    return new SecurityEvent(
        id, userId, type, createdAt, ip, userAgent, requestId, apiTokenId, method, value, provider);
  }

  /** The same event, naming the single sign-on provider it is about. */
  public SecurityEvent withProvider(String value) {
    return new SecurityEvent(
        id,
        userId,
        type,
        createdAt,
        ip,
        userAgent,
        requestId,
        apiTokenId,
        method,
        passkeyId,
        value);
  }
}
