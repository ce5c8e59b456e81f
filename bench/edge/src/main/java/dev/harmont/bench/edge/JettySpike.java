package dev.harmont.bench.edge;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12.1 core handler on virtual threads serving {@link HotPaths}. */
public final class JettySpike {
  public static void main(String[] args) throws Exception {
    HotPaths paths = new HotPaths(args[1], Path.of(args[2]));
    QueuedThreadPool pool = new QueuedThreadPool();
    pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(Integer.parseInt(args[0]));
    server.addConnector(connector);
    server.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws Exception {
            // As sent: Jetty refuses an ambiguous %2F with 400 before this (UriCompliance).
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            response.getHeaders().put("X-Request-Id", HotPaths.requestId());
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("Cache-Control", "no-store");
            byte[] body;
            int status;
            boolean get = method.equals("GET") || method.equals("HEAD");
            if ("/api/v0/user".equals(path)) {
              body = get ? paths.user(auth) : HotPaths.NOT_ALLOWED;
              status = get ? (body == null ? 401 : 200) : 405;
            } else if ("/api/v0/auth/verify".equals(path)) {
              String id = get ? paths.verify(auth) : null;
              if (id != null) {
                response.getHeaders().put("X-Harmont-User-Id", id);
              }
              body = id == null ? (get ? HotPaths.UNAUTHORIZED : HotPaths.NOT_ALLOWED) : new byte[0];
              status = get ? (id == null ? 401 : 200) : 405;
            } else if ("/api/v0/user/api-tokens".equals(path) && method.equals("POST")) {
              // Refused before the body is read: Jetty sends 100 Continue only when it is.
              String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
              if (paths.user(auth) == null) {
                body = HotPaths.UNAUTHORIZED;
                status = 401;
              } else if (type == null || !type.startsWith("application/json")) {
                body = HotPaths.UNSUPPORTED;
                status = 415;
              } else {
                ByteBuffer in = Content.Source.asByteBuffer(request);
                byte[] bytes = new byte[in.remaining()];
                in.get(bytes);
                body = paths.createKey(auth, bytes);
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
              response.getHeaders().put("Allow", "GET");
            }
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, HotPaths.JSON);
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    server.start();
    System.out.println("jetty listening on " + connector.getLocalPort());
    server.join();
  }
}
