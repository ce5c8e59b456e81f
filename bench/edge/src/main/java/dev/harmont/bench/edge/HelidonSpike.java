package dev.harmont.bench.edge;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.file.Path;

/**
 * Helidon 4.5 alone, the same minimal handler as the other spikes (no MethodCase, filters, access
 * log or metrics): what today's server costs in Helidon itself versus in our code on top of it.
 */
public final class HelidonSpike {
  public static void main(String[] args) throws Exception {
    HotPaths paths = new HotPaths(args[1], Path.of(args[2]));
    WebServer server =
        WebServer.builder()
            .host("127.0.0.1")
            .port(Integer.parseInt(args[0]))
            .routing(routing -> routing.any((req, res) -> handle(paths, req, res)))
            .build()
            .start();
    System.out.println("helidon listening on " + server.port());
  }

  private static void handle(HotPaths paths, ServerRequest req, ServerResponse res) {
    String path = req.path().rawPath();
    Method method = req.prologue().method();
    String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
    res.header("X-Request-Id", HotPaths.requestId());
    res.header("X-Content-Type-Options", "nosniff");
    res.header("Cache-Control", "no-store");
    res.header(HeaderNames.CONTENT_TYPE, HotPaths.JSON);
    boolean get = method == Method.GET || method == Method.HEAD;
    byte[] body;
    int status;
    if (path.equals("/api/v0/user")) {
      body = get ? paths.user(auth) : HotPaths.NOT_ALLOWED;
      status = get ? (body == null ? 401 : 200) : 405;
    } else if (path.equals("/api/v0/auth/verify")) {
      String id = get ? paths.verify(auth) : null;
      if (id != null) {
        res.header("X-Harmont-User-Id", id);
      }
      body = id == null ? (get ? HotPaths.UNAUTHORIZED : HotPaths.NOT_ALLOWED) : new byte[0];
      status = get ? (id == null ? 401 : 200) : 405;
    } else if (path.equals("/api/v0/user/api-tokens") && method == Method.POST) {
      String type = req.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
      if (paths.user(auth) == null) {
        body = HotPaths.UNAUTHORIZED;
        status = 401;
      } else if (!type.startsWith("application/json")) {
        body = HotPaths.UNSUPPORTED;
        status = 415;
      } else {
        body = paths.createKey(auth, req.content().as(byte[].class));
        status = 201;
      }
    } else {
      body = HotPaths.NOT_FOUND;
      status = 404;
    }
    if (body == null) {
      body = HotPaths.UNAUTHORIZED;
    }
    if (status == 405) {
      res.header("Allow", "GET");
    }
    res.status(Status.create(status)).send(body);
  }
}
