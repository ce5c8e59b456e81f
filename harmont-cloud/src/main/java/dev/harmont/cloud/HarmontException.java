package dev.harmont.cloud;

import java.util.Optional;

/**
 * The root of every error the SDK throws; unchecked.
 *
 * <p>When the server answered, the exception carries the HTTP status and, for a Harmont error
 * envelope, its {@code type}, {@code code}, {@code message}, {@code doc_url} and {@code
 * request_id}. When the body was not an envelope (a proxy's HTML page, say), it carries the status,
 * a snippet of the body in {@link #getMessage()}, and the {@code X-Request-Id} response header if
 * there was one. {@link #getMessage()} always names the code and the request id when known, so one
 * log line is enough for a support ticket. The API token never appears in it.
 *
 * <p>Catch a subclass to react to one kind of failure:
 *
 * <ul>
 *   <li>{@link AuthenticationException}: 401, the token is missing, invalid, revoked or expired;
 *   <li>{@link NotFoundException}: 404;
 *   <li>{@link InvalidRequestException}: the other 4xx (400, 405, 409, 413, 415, 422, …);
 *   <li>{@link RateLimitException}: 429;
 *   <li>{@link ServerException}: 5xx;
 *   <li>{@link ConnectionException} (and {@link RequestTimeoutException}): no response at all.
 * </ul>
 *
 * A plain {@code HarmontException} is left for what fits none of them: an unexpected status (a
 * redirect) or a success response whose body is not what the contract describes.
 */
public class HarmontException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The HTTP status, or 0 when no response was received. */
  private final int statusCode;

  /** The error envelope, or null when there was none. */
  private final ApiError apiError;

  /** The envelope's request id, else the {@code X-Request-Id} header, else null. */
  private final String requestId;

  /**
   * Creates an exception; only the SDK creates them.
   *
   * @param message the full message, already composed
   * @param statusCode the HTTP status, or 0 when there was no response
   * @param apiError the error envelope, or null when the body was not one
   * @param requestId the request id, from the envelope or the response header, or null
   * @param cause the underlying failure, or null
   */
  HarmontException(
      String message, int statusCode, ApiError apiError, String requestId, Throwable cause) {
    super(message, cause);
    this.statusCode = statusCode;
    this.apiError = apiError;
    this.requestId = requestId;
  }

  /**
   * The HTTP status of the response.
   *
   * @return the status code, or 0 when no response was received
   */
  public int statusCode() {
    return statusCode;
  }

  /**
   * The error envelope the server sent.
   *
   * @return the envelope, or empty when there was no response or its body was not an envelope
   */
  public Optional<ApiError> apiError() {
    return Optional.ofNullable(apiError);
  }

  /**
   * The stable machine error type, such as {@code invalid_request}.
   *
   * @return the type, or null when the response carried no envelope
   */
  public String type() {
    return apiError == null ? null : apiError.type();
  }

  /**
   * The catalog code, such as {@code api_token_not_found}: the value to branch on.
   *
   * @return the code, or null when the response carried no envelope
   */
  public String code() {
    return apiError == null ? null : apiError.code();
  }

  /**
   * The server's human-readable message, without the status, code and request id that {@link
   * #getMessage()} adds.
   *
   * @return the server's message, or null when the response carried no envelope
   */
  public String errorMessage() {
    return apiError == null ? null : apiError.message();
  }

  /**
   * A link to the documentation of this error.
   *
   * @return the link, or null when the response carried none
   */
  public String docUrl() {
    return apiError == null ? null : apiError.docUrl();
  }

  /**
   * The id that ties this failure to the server's logs: the envelope's {@code request_id}, or else
   * the {@code X-Request-Id} response header. Quote it when reporting a problem.
   *
   * @return the request id, or null when the server sent none
   */
  public String requestId() {
    return requestId;
  }
}
