package dev.harmont.cloud;

import java.time.Duration;
import java.util.Optional;

/**
 * The server is rate limiting this client (HTTP 429). Idempotent calls have already been retried,
 * honouring {@code Retry-After}, when this is thrown; {@link #retryAfter()} says how long the
 * server asked to wait before the next attempt.
 */
public final class RateLimitException extends HarmontException {
  private static final long serialVersionUID = 1L;

  /** The wait asked for by {@code Retry-After}, or null. */
  private final Duration retryAfter;

  RateLimitException(
      String message,
      int statusCode,
      ApiError apiError,
      String requestId,
      Throwable cause,
      Duration retryAfter) {
    super(message, statusCode, apiError, requestId, cause);
    this.retryAfter = retryAfter;
  }

  /**
   * How long the server asked to wait, from its {@code Retry-After} header (seconds or an HTTP
   * date).
   *
   * @return the wait, or empty when the header was absent or unreadable
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
