package dev.harmont.cloud;

/**
 * The server refused the request as invalid (HTTP 400, 405, 409, 413, 415, 422 or any other 4xx
 * without its own subclass), for instance {@code user_name_invalid}. {@link #code()} says which
 * rule was broken and {@link #errorMessage()} how to fix it; sending the same request again does
 * not help.
 */
public final class InvalidRequestException extends HarmontException {
  private static final long serialVersionUID = 1L;

  InvalidRequestException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
