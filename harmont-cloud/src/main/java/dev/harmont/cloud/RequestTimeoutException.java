package dev.harmont.cloud;

/**
 * No response arrived within the connect or request timeout set on the client builder. As with any
 * {@link ConnectionException}, a call that was not retried may or may not have been carried out by
 * the server.
 */
public final class RequestTimeoutException extends ConnectionException {
  private static final long serialVersionUID = 1L;

  RequestTimeoutException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, statusCode, apiError, requestId, cause);
  }
}
