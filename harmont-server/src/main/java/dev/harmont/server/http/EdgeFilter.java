package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

/**
 * Runs around every routed request, once: assigns the request id, sets the headers every response
 * carries, and when the answer goes out counts it ({@link RequestMetrics}) and hands its access-log
 * line to {@link AccessLog} (method, path, route template, status, latency, request id; never
 * headers, bodies or query strings, which could hold credentials).
 */
final class EdgeFilter implements Filter {
  // Made once: a constant header is not built and encoded again for every response.
  private static final Header NOSNIFF =
      HeaderValues.createCached(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
  private static final Header NO_STORE =
      HeaderValues.createCached(HeaderNames.CACHE_CONTROL, "no-store");

  private final int maxHeaderBytes;
  private final int maxBodyBytes;
  private final RequestMetrics metrics;

  /**
   * @param maxHeaderBytes the header block limit answered with 431. The HTTP parser's own limit is
   *     set higher (it answers a bare 400 without saying why), so this is the one people meet.
   * @param maxBodyBytes the body limit: a larger declared body is refused without being read
   * @param metrics where every answered request is counted
   */
  EdgeFilter(int maxHeaderBytes, int maxBodyBytes, RequestMetrics metrics) {
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    RequestId requestId = RequestId.from(req.headers());
    req.context().register(requestId);
    String path = req.path().rawPath();
    res.beforeSend(
        () -> {
          // Helidon does not drain a body the handler left unread when the response says
          // `Connection: close`, yet it keeps reading the connection: the body would be parsed as
          // the next request, one no proxy in front ever saw (request smuggling). Drain it before
          // answering.
          discardUnreadBody(req, res);
          // Here rather than after chain.proceed(): an exception thrown by a handler passes this
          // filter before the error handler sets its status, and every answer comes through here.
          answered(req, res, start, requestId, path);
        });
    applyHeaders(res, requestId, path);
    if (headerBytes(req) > maxHeaderBytes) {
      throw new HarmontException(
          ErrorCode.HEADERS_TOO_LARGE,
          "The request headers are larger than the limit of " + maxHeaderBytes + " bytes.");
    }
    chain.proceed();
    if (req.context().get(UnreadBody.class).isPresent()) {
      // The answer is out; end the connection so the rest of that body is never parsed.
      throw new CloseConnectionException("request body left unread");
    }
  }

  /** Counts the answer and hands its access line to the log (method, route, status, latency). */
  private void answered(
      RoutingRequest req, RoutingResponse res, long start, RequestId requestId, String path) {
    long nanos = System.nanoTime() - start;
    String method = req.prologue().method().text();
    String pattern = Routes.takeMatchedTemplate(); // Helidon does not route: Routes does
    int status = res.status().code();
    metrics.record(method, pattern, status, nanos);
    if (AccessLog.enabled()) {
      // A forward-auth check also names the request it checked (VerifyHandlers).
      String logged =
          req.context()
              .get(VerifyHandlers.ForwardedRequest.class)
              .map(f -> path + " for=\"" + f.described() + "\"")
              .orElse(path);
      AccessLog.record(
          new AccessLog.Entry(
              method, logged, metrics.route(pattern), status, nanos / 1000, requestId.value()));
    }
  }

  private void discardUnreadBody(RoutingRequest req, RoutingResponse res) {
    if (req.content().hasEntity() && !req.content().consumed()) {
      if (req.headers().containsToken(HeaderValues.EXPECT_100)
          || req.headers().contentLength().orElse(0) > maxBodyBytes) {
        // The client waits for 100 Continue before sending the body (RFC 9110 §10.1.1), or the
        // body is over the limit: answer the refusal at once, without asking for or reading the
        // body, and end the connection, the only way to never parse what it may still send.
        res.header(HeaderNames.CONNECTION, "close");
        req.context().register(new UnreadBody());
        return;
      }
      try {
        // Bounded: a declared length over the body limit never gets here (413 before routing),
        // and a streamed one stops at the server's payload limit.
        req.content().consume();
      } catch (RuntimeException e) {
        // Cut short or over the limit while streaming: what is left of the body cannot be told
        // apart from a next request, so this connection ends with this response.
        res.header(HeaderNames.CONNECTION, "close");
        req.context().register(new UnreadBody());
      }
    }
  }

  /** Marks a request whose body could not be drained. */
  private record UnreadBody() {}

  private static long headerBytes(RoutingRequest req) {
    long total = 0;
    for (Header header : req.headers()) {
      total += header.name().length() + 4;
      if (header.valueCount() == 1) {
        total += header.get().length();
      } else {
        for (String value : header.allValues()) {
          total += value.length() + 1; // and the comma that joins it to the next
        }
      }
    }
    return total;
  }

  static void applyHeaders(ServerResponse res, RequestId requestId, String path) {
    res.header(RequestId.HEADER, requestId.value());
    res.header(NOSNIFF);
    if (path.startsWith("/api/")) {
      // Responses may carry a one-time secret or personal data: no cache may keep them.
      res.header(NO_STORE);
    }
  }
}
