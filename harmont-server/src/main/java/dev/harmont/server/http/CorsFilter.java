package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Set;

/**
 * Cross-origin access for browsers, off unless origins are configured: then requests from those
 * origins (or any, with {@code *}) get {@code Access-Control-Allow-Origin}, and their preflights
 * are answered here. Credentials travel in the Authorization header, never in cookies, so {@code
 * Allow-Credentials} is never sent.
 */
final class CorsFilter implements Filter {
  private static final HeaderName REQUEST_METHOD =
      HeaderNames.create("Access-Control-Request-Method");

  private final Set<String> origins;

  CorsFilter(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String origin = req.headers().first(HeaderNames.ORIGIN).orElse(null);
    if (origins.isEmpty() || origin == null) {
      chain.proceed();
      return;
    }
    // Echoed in a response header: only an origin of visible ASCII ever is (the server does not
    // re-check response headers, see HarmontServer).
    boolean allowed = isVisibleAscii(origin) && (origins.contains("*") || origins.contains(origin));
    boolean preflight =
        req.prologue().method() == Method.OPTIONS && req.headers().contains(REQUEST_METHOD);
    if (!allowed) {
      if (preflight) {
        throw new HarmontException(
            ErrorCode.CORS_ORIGIN_NOT_ALLOWED,
            "Origin `" + origin.replaceAll("[^\\x20-\\x7e]", "?") + "` may not call this API.");
      }
      chain.proceed();
      return;
    }
    res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    res.header(HeaderNames.VARY, "Origin");
    res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id, Retry-After");
    if (preflight) {
      res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PATCH, DELETE");
      res.header(
          HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type, X-Request-Id");
      res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
      res.status(Status.NO_CONTENT_204).send();
      return;
    }
    chain.proceed();
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
