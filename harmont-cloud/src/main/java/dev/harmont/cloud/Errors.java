package dev.harmont.cloud;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Turns a failed exchange into the matching {@link HarmontException} subclass and composes its
 * message. The one place where messages are written, so the token can be scrubbed from all of them
 * here (a proxy page that echoes request headers must not leak it).
 */
final class Errors {
  private static final int SNIPPET_CHARS = 200;

  private Errors() {}

  /** An error response: status 3xx to 5xx, with or without an envelope. */
  static HarmontException fromResponse(
      Call call, int status, HttpHeaders headers, byte[] body, Duration retryAfter, String token) {
    ApiError error = Wire.apiError(body);
    String requestId =
        error != null && error.requestId() != null
            ? error.requestId()
            : headers.firstValue("X-Request-Id").orElse(null);
    String message;
    if (error != null) {
      message =
          (error.message() == null ? "The server refused the request." : error.message())
              + " ("
              + call
              + ": HTTP "
              + status
              + ", code "
              + error.code()
              + ", request_id "
              + (requestId == null ? "none" : requestId)
              + ")";
    } else {
      String type = headers.firstValue("Content-Type").orElse("no Content-Type");
      message =
          call
              + " answered HTTP "
              + status
              + " without a Harmont error body ("
              + type
              + "): "
              + snippet(body)
              + " (request_id "
              + (requestId == null ? "none" : requestId)
              + ")";
    }
    message = redact(message, token);
    if (status == 401 || refusedCredential(headers)) {
      return new AuthenticationException(message, status, error, requestId, null);
    } else if (status == 404) {
      return new NotFoundException(message, status, error, requestId, null);
    } else if (status == 429) {
      return new RateLimitException(message, status, error, requestId, null, retryAfter);
    } else if (status >= 500) {
      return new ServerException(message, status, error, requestId, null);
    } else if (status >= 400) {
      return new InvalidRequestException(message, status, error, requestId, null);
    }
    return new HarmontException(message, status, error, requestId, null);
  }

  /**
   * True when the server says the credential itself was refused (RFC 6750 {@code
   * error="invalid_token"} in {@code WWW-Authenticate}), as Harmont does on the 429 that throttles
   * refused credentials: retrying the same token cannot succeed, so it is not retried and surfaces
   * as an {@link AuthenticationException}.
   */
  static boolean refusedCredential(HttpHeaders headers) {
    return headers.allValues("WWW-Authenticate").stream()
        .anyMatch(value -> value.replace(" ", "").contains("error=\"invalid_token\""));
  }

  /** A success status whose body is not what the contract describes. */
  static HarmontException badResponse(
      Call call, int status, HttpHeaders headers, Wire.BadResponse problem, String token) {
    String requestId = headers.firstValue("X-Request-Id").orElse(null);
    String message =
        call
            + " answered HTTP "
            + status
            + " with a body the SDK cannot read: "
            + problem.getMessage()
            + " (request_id "
            + (requestId == null ? "none" : requestId)
            + ")";
    return new HarmontException(redact(message, token), status, null, requestId, problem);
  }

  /** No response: the connection failed, timed out, or the call was interrupted. */
  static ConnectionException noResponse(
      Call call, String baseUrl, int attempts, Exception cause, boolean timeout, String token) {
    String what =
        cause instanceof InterruptedException
            ? "was interrupted"
            : timeout
                ? "timed out"
                : "failed: "
                    + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage());
    String message =
        call
            + " to "
            + baseUrl
            + " "
            + what
            + (attempts > 1 ? " (after " + attempts + " attempts)" : "")
            + (call.idempotent()
                ? ""
                : "; it is not retried automatically, and the server may have carried it out");
    message = redact(message, token);
    return timeout
        ? new RequestTimeoutException(message, 0, null, null, cause)
        : new ConnectionException(message, 0, null, null, cause);
  }

  static String snippet(byte[] body) {
    if (body.length == 0) {
      return "an empty body";
    }
    String text = new String(body, StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder();
    boolean space = false;
    for (int i = 0; i < text.length() && out.length() < SNIPPET_CHARS; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = out.length() > 0;
      } else {
        if (space) {
          out.append(' ');
          space = false;
        }
        out.append(c);
      }
    }
    boolean cut = out.length() >= SNIPPET_CHARS;
    return "\"" + out + (cut ? "…" : "") + "\"";
  }

  static String redact(String message, String token) {
    return token == null || token.isEmpty() ? message : message.replace(token, "<redacted>");
  }
}
