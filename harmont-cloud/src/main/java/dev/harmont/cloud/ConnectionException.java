package dev.harmont.cloud;

/**
 * No HTTP response was received: the connection failed, was cut, or the call was interrupted.
 * {@link #statusCode()} is 0. Idempotent calls have already been retried when this is thrown. For
 * {@link HarmontClient#createApiToken(ApiTokenCreate)} and {@link HarmontClient#logout()}, which
 * are never retried, the server may or may not have carried the request out.
 */
public class ConnectionException extends HarmontException {
  private static final long serialVersionUID = 1L;

  ConnectionException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
