package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;

/**
 * Runs around every request, once, outermost: assigns the request id, sets the headers every
 * response carries, renders whatever a handler throws in our envelope ({@link Errors}), and when
 * the answer goes out counts it ({@link RequestMetrics}) and hands its access-log line to {@link
 * AccessLog} (method, path, route template, status, latency, request id; never headers, bodies or
 * query strings, which could hold credentials).
 */
final class EdgeFilter {
  private final int maxHeaderBytes;
  private final RequestMetrics metrics;
  private final Errors errors;

  /**
   * @param maxHeaderBytes the header block limit answered with 431. The HTTP parser's own limit is
   *     set higher, so this is the one people meet.
   * @param metrics where every answered request is counted
   */
  EdgeFilter(int maxHeaderBytes, RequestMetrics metrics, Errors errors) {
    this.maxHeaderBytes = maxHeaderBytes;
    this.metrics = metrics;
    this.errors = errors;
  }

  /** {@code next}, behind this filter. */
  Handler wrap(Handler next) {
    return (req, res) -> filter(next, req, res);
  }

  private void filter(Handler next, Request req, Response res) {
    long start = System.nanoTime();
    RequestId requestId = RequestId.from(req);
    req.register(requestId);
    String path = req.rawPath();
    // As the answer leaves rather than after the handler: every answer, also an error's, passes
    // here with its final status.
    res.beforeSend(() -> answered(req, res, start, requestId, path));
    applyHeaders(res, requestId, path);
    try {
      if (req.headerBytes() > maxHeaderBytes) {
        throw new HarmontException(
            ErrorCode.HEADERS_TOO_LARGE,
            "The request headers are larger than the limit of " + maxHeaderBytes + " bytes.");
      }
      next.handle(req, res);
    } catch (Throwable t) {
      HarmontException error = errors.classify(t, requestId);
      if (res.isSent()) {
        return; // the answer is out; what failed after it was logged by classify if a bug
      }
      // What the handler had set is not for the error's answer (a CORS preflight's headers, a
      // Location), except what every answer carries.
      res.reset();
      applyHeaders(res, requestId, path);
      errors.send(res, requestId, error);
    }
  }

  /** Counts the answer and hands its access line to the log (method, route, status, latency). */
  private void answered(Request req, Response res, long start, RequestId requestId, String path) {
    long nanos = System.nanoTime() - start;
    String method = req.method();
    String pattern = Routes.matchedTemplate(req);
    int status = res.status();
    metrics.record(method, pattern, status, nanos);
    if (AccessLog.enabled()) {
      // A forward-auth check also names the request it checked (VerifyHandlers).
      String logged =
          req.get(VerifyHandlers.ForwardedRequest.class)
              .map(f -> path + " for=\"" + f.described() + "\"")
              .orElse(path);
      AccessLog.record(
          new AccessLog.Entry(
              method, logged, metrics.route(pattern), status, nanos / 1000, requestId.value()));
    }
  }

  static void applyHeaders(Response res, RequestId requestId, String path) {
    res.header(RequestId.HEADER, requestId.value());
    res.header("X-Content-Type-Options", "nosniff");
    if (path.startsWith("/api/")) {
      // Responses may carry a one-time secret or personal data: no cache may keep them.
      res.header("Cache-Control", "no-store");
    }
  }
}
