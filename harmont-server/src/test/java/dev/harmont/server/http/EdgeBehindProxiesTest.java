package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.harmont.server.observe.RequestLogRecord;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server behind the proxies people put in front of it, configured as most people write them:
 * Debian's nginx with its default {@code proxy_pass} (HTTP/1.0 to the upstream, no {@code
 * proxy_http_version}) and Debian's HAProxy with its default {@code option httpchk} ({@code OPTIONS
 * / HTTP/1.0}, no Host) and the common {@code option httpchk GET /healthz}. Where a binary is
 * missing this fails, naming the package, unless {@code HARMONT_SKIP_PROXY_TESTS=1} (then it is
 * skipped, saying why).
 */
class EdgeBehindProxiesTest {
  static final String SKIP_VARIABLE = "HARMONT_SKIP_PROXY_TESTS";
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Logger ACCESS = Logger.getLogger(RequestLogRecord.ACCESS_LOGGER);

  @TempDir Path dir;

  private TestServer server;
  private Process proxy;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> accessLines = Collections.synchronizedList(new ArrayList<>());
  private final Handler accessLog =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          accessLines.add(record.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void start() {
    server = TestServer.start(Backend.SQLITE, config -> config);
    ACCESS.addHandler(accessLog);
  }

  @AfterEach
  void stop() throws InterruptedException {
    ACCESS.removeHandler(accessLog);
    if (proxy != null) {
      proxy.destroy();
      proxy.waitFor();
    }
    server.close();
  }

  @Test
  void nginxWithItsDefaultProxyPassServesTheApi() throws Exception {
    Path nginx = binary("/usr/sbin/nginx", "nginx-light");
    int port = freePort();
    Files.createDirectories(dir.resolve("tmp"));
    Files.writeString(
        dir.resolve("nginx.conf"),
        """
        daemon off;
        master_process off;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log;
        events { worker_connections 64; }
        http {
          access_log off;
          client_body_temp_path %1$s/tmp;
          proxy_temp_path %1$s/tmp;
          fastcgi_temp_path %1$s/tmp;
          uwsgi_temp_path %1$s/tmp;
          scgi_temp_path %1$s/tmp;
          server {
            listen 127.0.0.1:%2$d;
            location / { proxy_pass http://127.0.0.1:%3$d; }
          }
        }
        """
            .formatted(dir, port, server.baseUri().getPort()));
    proxy =
        new ProcessBuilder(
                nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nginx.out").toFile())
            .start();
    awaitListening(port);
    URI base = URI.create("http://127.0.0.1:" + port);
    TestUser user = server.newUser();

    HttpResponse<String> me = send(base, "GET", "/api/v0/user", user.token(), null);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(me.body()).contains(user.email());
    HttpResponse<String> created =
        send(base, "POST", "/api/v0/user/api-tokens", user.token(), "{\"description\":\"nginx\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).contains("\"token\":\"hm_");
    HttpResponse<String> head = send(base, "HEAD", "/healthz", null, null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    HttpResponse<String> encoded =
        send(base, "GET", "/api/v0/user%2Fapi-tokens", user.token(), null);
    assertThat(encoded.statusCode()).isEqualTo(404);
    assertThat(encoded.body()).contains("\"code\":\"route_not_found\"");
    HttpResponse<String> anonymous = send(base, "GET", "/api/v0/user", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.body()).contains("\"code\":\"unauthorized\"");
    assertThat(accessLines)
        .anySatisfy(line -> assertThat(line).startsWith("POST /api/v0/user/api-tokens 201 "));
  }

  @Test
  void haproxyHealthChecksFindTheServerUp() throws Exception {
    Path haproxy = binary("/usr/sbin/haproxy", "haproxy");
    int byDefault = freePort();
    int byHealthz = freePort();
    int upstream = server.baseUri().getPort();
    Files.writeString(
        dir.resolve("haproxy.cfg"),
        """
        defaults
          mode http
          timeout connect 2s
          timeout client 10s
          timeout server 10s
        frontend default_check
          bind 127.0.0.1:%1$d
          default_backend default_check
        backend default_check
          option httpchk
          server harmont 127.0.0.1:%3$d check inter 200ms fall 1 rise 1
        frontend healthz_check
          bind 127.0.0.1:%2$d
          default_backend healthz_check
        backend healthz_check
          option httpchk GET /healthz
          server harmont 127.0.0.1:%3$d check inter 200ms fall 1 rise 1
        """
            .formatted(byDefault, byHealthz, upstream));
    proxy =
        new ProcessBuilder(haproxy.toString(), "-db", "-f", dir.resolve("haproxy.cfg").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.out").toFile())
            .start();
    // Checked a few times each: a failed check (fall 1) would have taken the server out.
    awaitAccessLines("OPTIONS / 204 ", 3);
    awaitAccessLines("GET /healthz 200 ", 3);
    for (int port : new int[] {byDefault, byHealthz}) {
      HttpResponse<String> health =
          send(URI.create("http://127.0.0.1:" + port), "GET", "/healthz", null, null);
      assertThat(health.statusCode()).as("through port %d: %s", port, health.body()).isEqualTo(200);
    }
  }

  private HttpResponse<String> send(URI base, String method, String path, String token, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void awaitAccessLines(String prefix, int count) throws InterruptedException {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (accessLines.stream().filter(line -> line.startsWith(prefix)).count() < count) {
      if (Instant.now().isAfter(deadline)) {
        fail(
            "no %d access lines starting %s within %s; seen: %s",
            count, prefix, DEADLINE, accessLines);
      }
      Thread.sleep(50);
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    Instant deadline = Instant.now().plus(DEADLINE);
    while (true) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException e) {
        if (Instant.now().isAfter(deadline)) {
          fail("the proxy does not listen on %d within %s", port, DEADLINE);
        }
        Thread.sleep(50);
      }
    }
  }

  private static Path binary(String path, String debianPackage) {
    if ("1".equals(System.getenv(SKIP_VARIABLE))) {
      Assumptions.abort(SKIP_VARIABLE + "=1: the tests behind real proxies are skipped");
    }
    Path binary = Path.of(path);
    if (!Files.isExecutable(binary)) {
      fail(
          "%s is missing: apt-get install %s (or set %s=1 to skip these tests)",
          path, debianPackage, SKIP_VARIABLE);
    }
    return binary;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
