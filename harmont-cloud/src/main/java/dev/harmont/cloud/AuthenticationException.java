package dev.harmont.cloud;

/**
 * The server refused the API token (HTTP 401, code {@code unauthorized}): it is missing, malformed,
 * revoked, expired, or its account was deleted. Also a 429 {@code rate_limited} that says the token
 * is invalid ({@code WWW-Authenticate: Bearer error="invalid_token"}): the server throttles refused
 * tokens only, so that answer is never retried either. Retrying does not help; use another token,
 * for instance through {@link HarmontClient#withToken(String)}.
 */
public final class AuthenticationException extends HarmontException {
  private static final long serialVersionUID = 1L;

  AuthenticationException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
