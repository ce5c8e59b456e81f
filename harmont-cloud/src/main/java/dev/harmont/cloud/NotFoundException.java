package dev.harmont.cloud;

/**
 * The server found nothing at this address (HTTP 404): for instance {@code api_token_not_found}
 * when revoking a key that is unknown, already revoked or another user's. A {@code route_not_found}
 * code usually means a wrong base URL.
 */
public final class NotFoundException extends HarmontException {
  private static final long serialVersionUID = 1L;

  NotFoundException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
