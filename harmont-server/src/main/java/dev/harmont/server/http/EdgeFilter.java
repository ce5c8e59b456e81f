package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

/**
 * Runs around every routed request, once: assigns the request id, sets the headers every response
 * carries, and writes the access-log line (method, path, status, latency, request id; never
 * headers, bodies or query strings, which could hold credentials).
 */
final class EdgeFilter implements Filter {
  // "000" to "999": the fraction of the access log's milliseconds, without a format per request.
  private static final String[] THOUSANDTHS = new String[1000];

  static {
    for (int i = 0; i < THOUSANDTHS.length; i++) {
      THOUSANDTHS[i] = String.valueOf(1000 + i).substring(1);
    }
  }

  private final int maxHeaderBytes;

  /**
   * @param maxHeaderBytes the header block limit answered with 431. The HTTP parser's own limit is
   *     set higher (it answers a bare 400 without saying why), so this is the one people meet.
   */
  EdgeFilter(int maxHeaderBytes) {
    this.maxHeaderBytes = maxHeaderBytes;
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    RequestId requestId = RequestId.from(req.headers());
    req.context().register(requestId);
    String path = req.path().rawPath();
    // Helidon does not drain a body the handler left unread when the response says
    // `Connection: close`, yet it keeps reading the connection: the body would be parsed as the
    // next request, one no proxy in front ever saw (request smuggling). Drain it before answering.
    res.beforeSend(() -> discardUnreadBody(req, res));
    try {
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
    } finally {
      if (AccessLog.enabled()) {
        long micros = (System.nanoTime() - start) / 1000;
        AccessLog.record(
            req.prologue().method().text()
                + " "
                + path
                + " "
                + res.status().code()
                + " "
                + micros / 1000
                + "."
                + THOUSANDTHS[(int) (micros % 1000)]
                + "ms request_id="
                + requestId.value());
      }
    }
  }

  private static void discardUnreadBody(RoutingRequest req, RoutingResponse res) {
    if (req.content().hasEntity() && !req.content().consumed()) {
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
      total += header.name().length() + header.values().length() + 4;
    }
    return total;
  }

  static void applyHeaders(ServerResponse res, RequestId requestId, String path) {
    res.header(RequestId.HEADER, requestId.value());
    res.header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff");
    if (path.startsWith("/api/")) {
      // Responses may carry a one-time secret or personal data: no cache may keep them.
      res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }
  }
}
