package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import dev.harmont.server.observe.RequestLogRecord;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one error mapper: turns any failure into {@code
 * {"error":{type,code,message,doc_url,request_id}}} with the catalog's status. Unexpected
 * throwables become {@code internal_error}: logged with their stack and the request id, their
 * message never sent. Also renders what the HTTP server refuses by itself (malformed requests,
 * headers past its parser's limit) through {@link #sendRefusal}.
 */
final class Errors {
  private static final String LOGGER = "dev.harmont.server.http.Errors";
  private static final Logger LOG = Logger.getLogger(LOGGER);
  static final String JSON_UTF8 = "application/json; charset=utf-8";

  private final Supplier<String> docBase;

  /**
   * @param docBase the public base URL that {@code doc_url} links start with
   */
  Errors(Supplier<String> docBase) {
    this.docBase = docBase;
  }

  String docUrl(ErrorCode code) {
    return docBase.get() + "/docs/errors/" + code.code();
  }

  /** Classifies a throwable: ours keep their code, an unreadable body is 400, others are bugs. */
  HarmontException classify(Throwable t, RequestId requestId) {
    if (t instanceof HarmontException h) {
      return h;
    }
    if (t instanceof Request.BodyNotRead) {
      // Cut short, malformed chunking, a client gone quiet: theirs, not a bug of ours.
      return new HarmontException(
          ErrorCode.BAD_REQUEST, "The request body could not be read to its end.");
    }
    log(Level.SEVERE, "internal error, request_id=" + requestId.value(), requestId, t);
    return new HarmontException(ErrorCode.INTERNAL_ERROR);
  }

  /** A log line that carries the request id as a field (for JSON logs) and in its text. */
  private static void log(Level level, String message, RequestId requestId, Throwable thrown) {
    if (!LOG.isLoggable(level)) {
      return;
    }
    RequestLogRecord record = new RequestLogRecord(level, message, requestId.value(), null);
    record.setLoggerName(LOGGER);
    record.setThrown(thrown);
    LOG.log(record);
  }

  /** Writes the envelope for {@code error} on a response that was not sent yet. */
  void send(Response res, RequestId requestId, HarmontException error) {
    send(res, requestId, error, false);
  }

  /**
   * Writes the envelope for {@code error}; with {@code invalidToken}, a 401 says RFC 6750's {@code
   * error="invalid_token"} (a credential was presented and refused) as forward-auth answers do.
   */
  void send(Response res, RequestId requestId, HarmontException error, boolean invalidToken) {
    ErrorCode code = error.code();
    if (code == ErrorCode.SERVICE_UNAVAILABLE) {
      log(
          Level.WARNING,
          "database unavailable, request_id=" + requestId.value() + ": " + rootMessage(error),
          requestId,
          null);
      res.header("Retry-After", "1");
    }
    if (error.retryAfterSeconds() > 0) {
      res.header("Retry-After", Long.toString(error.retryAfterSeconds()));
    }
    if (code == ErrorCode.UNAUTHORIZED && !invalidToken) {
      res.header("WWW-Authenticate", "Bearer realm=\"harmont\"");
    } else if (code == ErrorCode.RATE_LIMITED || code == ErrorCode.UNAUTHORIZED) {
      // Only refused credentials are ever throttled (valid ones are always served): RFC 6750's
      // invalid_token tells a client that retrying the same credential cannot help.
      res.header("WWW-Authenticate", "Bearer realm=\"harmont\", error=\"invalid_token\"");
    }
    res.status(code.status());
    res.header("Content-Type", JSON_UTF8);
    res.send(Json.bytes(envelope(code, error.getMessage(), requestId)));
  }

  ObjectNode envelope(ErrorCode code, String message, RequestId requestId) {
    ObjectNode error = Json.object();
    error.put("type", code.type());
    error.put("code", code.code());
    error.put("message", message);
    error.put("doc_url", docUrl(code));
    error.put("request_id", requestId.value());
    ObjectNode out = Json.object();
    out.set("error", error);
    return out;
  }

  /**
   * Renders what the HTTP server refuses by itself before any handler runs (a malformed request
   * line or header, headers past the parser's limit), whose status it chose: in our envelope.
   */
  void sendRefusal(Request req, Response res) {
    RequestId requestId = RequestId.from(req);
    ErrorCode code = forStatus(res.status());
    res.reset();
    EdgeFilter.applyHeaders(res, requestId, "/api/");
    res.status(code.status());
    res.header("Content-Type", JSON_UTF8);
    res.send(Json.bytes(envelope(code, code.message(), requestId)));
  }

  static ErrorCode forStatus(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 404 -> ErrorCode.ROUTE_NOT_FOUND;
      case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
      case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
      case 429 -> ErrorCode.RATE_LIMITED;
      case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
      case 431 -> ErrorCode.HEADERS_TOO_LARGE;
      case 501 -> ErrorCode.METHOD_NOT_IMPLEMENTED;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      case 505 -> ErrorCode.BAD_REQUEST; // a version other than HTTP/1.x: the client's to change
      default -> status >= 400 && status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL_ERROR;
    };
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
