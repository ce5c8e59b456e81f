package dev.harmont.cloud;

/**
 * The server failed (HTTP 5xx). Idempotent calls have already been retried for 502, 503 and 504
 * when this is thrown; quote {@link #requestId()} when reporting it.
 */
public final class ServerException extends HarmontException {
  private static final long serialVersionUID = 1L;

  ServerException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
