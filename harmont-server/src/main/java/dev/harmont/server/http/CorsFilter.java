package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin access for browsers, off unless origins are configured: then requests from those
 * origins (or any, with {@code *}) get {@code Access-Control-Allow-Origin}, and their preflights
 * are answered here. Credentials travel in the Authorization header, never in cookies, so {@code
 * Allow-Credentials} is never sent.
 */
final class CorsFilter {
  private static final String REQUEST_METHOD = "Access-Control-Request-Method";

  private final Set<String> origins;

  CorsFilter(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** {@code next}, behind this filter. */
  Handler wrap(Handler next) {
    return origins.isEmpty() ? next : (req, res) -> filter(next, req, res);
  }

  private void filter(Handler next, Request req, Response res) throws Exception {
    String origin = req.header("Origin").orElse(null);
    if (origin == null) {
      next.handle(req, res);
      return;
    }
    // Echoed in a response header: only an origin of visible ASCII ever is (the server does not
    // re-check response headers, see HarmontServer).
    boolean allowed = isVisibleAscii(origin) && (origins.contains("*") || origins.contains(origin));
    boolean preflight = req.method().equals("OPTIONS") && req.hasHeader(REQUEST_METHOD);
    if (!allowed) {
      if (preflight) {
        throw new HarmontException(
            ErrorCode.CORS_ORIGIN_NOT_ALLOWED,
            "Origin `" + origin.replaceAll("[^\\x20-\\x7e]", "?") + "` may not call this API.");
      }
      next.handle(req, res);
      return;
    }
    res.header("Access-Control-Allow-Origin", origin);
    res.header("Vary", "Origin");
    res.header("Access-Control-Expose-Headers", "X-Request-Id, Retry-After");
    if (preflight) {
      res.header("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE");
      res.header("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id");
      res.header("Access-Control-Max-Age", "600");
      res.status(204).send();
      return;
    }
    next.handle(req, res);
  }

  private static boolean isVisibleAscii(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
