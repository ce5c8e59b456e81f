package dev.harmont.server.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.lang.System.Logger.Level;

/**
 * Runs around every routed request, once: assigns the request id, sets the headers every response
 * carries, and writes the access-log line (method, path, status, latency, request id; never
 * headers, bodies or query strings, which could hold credentials).
 */
final class EdgeFilter implements Filter {
  private static final System.Logger ACCESS = System.getLogger("dev.harmont.access");

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    long start = System.nanoTime();
    RequestId requestId = RequestId.from(req.headers());
    req.context().register(requestId);
    String path = req.path().rawPath();
    try {
      applyHeaders(res, requestId, path);
      chain.proceed();
    } finally {
      if (ACCESS.isLoggable(Level.INFO)) {
        long micros = (System.nanoTime() - start) / 1000;
        ACCESS.log(
            Level.INFO,
            req.prologue().method().text()
                + " "
                + path
                + " "
                + res.status().code()
                + " "
                + micros / 1000
                + "."
                + String.format("%03d", micros % 1000)
                + "ms request_id="
                + requestId.value());
      }
    }
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
