package dev.harmont.bench.edge;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;

/**
 * Vert.x 5 core HTTP server, one verticle instance per core, on virtual threads (handlers written
 * blocking-style), serving {@link HotPaths}.
 */
public final class VertxSpike {
  public static void main(String[] args) throws Exception {
    HotPaths paths = new HotPaths(args[1], Path.of(args[2]));
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    int instances = Runtime.getRuntime().availableProcessors();
    vertx
        .deployVerticle(
            () -> new Edge(paths, port),
            new DeploymentOptions()
                .setThreadingModel(ThreadingModel.VIRTUAL_THREAD)
                .setInstances(instances))
        .await();
    System.out.println("vertx listening on " + port);
  }

  private static final class Edge extends VerticleBase {
    private final HotPaths paths;
    private final int port;

    Edge(HotPaths paths, int port) {
      this.paths = paths;
      this.port = port;
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer().requestHandler(this::handle).listen(port, "127.0.0.1");
    }

    private void handle(HttpServerRequest req) {
      String path = req.path(); // raw: Vert.x does not decode %2F
      HttpMethod method = req.method();
      String auth = req.getHeader("Authorization");
      var res = req.response();
      res.putHeader("X-Request-Id", HotPaths.requestId());
      res.putHeader("X-Content-Type-Options", "nosniff");
      res.putHeader("Cache-Control", "no-store");
      res.putHeader("Content-Type", HotPaths.JSON);
      boolean get = method == HttpMethod.GET || method == HttpMethod.HEAD;
      byte[] body;
      int status;
      if (path.equals("/api/v0/user")) {
        body = get ? paths.user(auth) : HotPaths.NOT_ALLOWED;
        status = get ? (body == null ? 401 : 200) : 405;
      } else if (path.equals("/api/v0/auth/verify")) {
        String id = get ? paths.verify(auth) : null;
        if (id != null) {
          res.putHeader("X-Harmont-User-Id", id);
        }
        body = id == null ? (get ? HotPaths.UNAUTHORIZED : HotPaths.NOT_ALLOWED) : new byte[0];
        status = get ? (id == null ? 401 : 200) : 405;
      } else if (path.equals("/api/v0/user/api-tokens") && method == HttpMethod.POST) {
        // Refused before the body is read: Vert.x sends no 100 Continue by itself.
        String type = req.getHeader("Content-Type");
        if (paths.user(auth) == null) {
          body = HotPaths.UNAUTHORIZED;
          status = 401;
        } else if (type == null || !type.startsWith("application/json")) {
          body = HotPaths.UNSUPPORTED;
          status = 415;
        } else {
          if (req.headers().contains("Expect", "100-continue", true)) {
            res.writeContinue();
          }
          Buffer in = req.body().await(); // blocking-style on the virtual thread
          body = paths.createKey(auth, in.getBytes());
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
        res.putHeader("Allow", "GET");
      }
      res.setStatusCode(status).end(Buffer.buffer(body));
    }
  }
}
