package dev.harmont.server.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The forward-auth configurations of docs/forward-auth.md, exactly as written in {@code
 * docs/forward-auth/} (only the three addresses are replaced by free ports), in front of a static
 * upstream: Debian's real nginx ({@code nginx-light}: auth_request) and Caddy. A valid key passes
 * with the user's headers, a forged {@code X-Harmont-User-Id} never reaches the upstream, a revoked
 * key is refused at once, no credential is 401. Without the binaries the test fails naming the
 * packages; {@code HARMONT_SKIP_PROXY_TESTS=1} skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardAuthProxyTest {
  private static final Path DOCS = Path.of("..", "docs", "forward-auth");
  private static final String CLIENT_ADDRESS = "127.0.0.1:8000";
  private static final String HARMONT_ADDRESS = "127.0.0.1:8080";
  private static final String UPSTREAM_ADDRESS = "127.0.0.1:3000";

  /** The proxies under test, and how each is started from its documented file. */
  enum Proxy {
    NGINX,
    CADDY
  }

  private TestServer harmont;
  private Api api;
  private HttpServer upstream;
  private final AtomicInteger upstreamHits = new AtomicInteger();
  private final Map<Proxy, Process> processes = new EnumMap<>(Proxy.class);
  private final Map<Proxy, URI> entries = new EnumMap<>(Proxy.class);
  private final HttpClient http = HttpClient.newHttpClient();
  private Path dir;

  @BeforeAll
  void start() throws IOException {
    harmont = TestServer.start();
    api = new Api(harmont.baseUri());
    dir = Files.createTempDirectory("harmont-proxy-");
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // The static upstream: answers with the X-Harmont-* headers it received, and whether it saw
    // an Authorization header.
    upstream.createContext(
        "/",
        exchange -> {
          upstreamHits.incrementAndGet();
          Map<String, String> seen = new TreeMap<>();
          exchange
              .getRequestHeaders()
              .forEach(
                  (name, values) -> {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("x-harmont-") || lower.equals("authorization")) {
                      seen.put(lower, String.join(",", values));
                    }
                  });
          StringBuilder body = new StringBuilder();
          seen.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
          byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    upstream.start();
  }

  @AfterAll
  void stop() throws Exception {
    for (Process p : processes.values()) {
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (upstream != null) {
      upstream.stop(0);
    }
    if (harmont != null) {
      harmont.close();
    }
    http.close();
  }

  @ParameterizedTest
  @EnumSource(Proxy.class)
  void aValidKeyPassesWithTheUsersHeaders(Proxy proxy) throws Exception {
    TestUser user = harmont.newUser();

    HttpResponse<String> answer = get(proxy, "/some/page?x=1", "Bearer " + user.token(), null);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    Map<String, String> seen = parse(answer.body());
    assertThat(seen)
        .containsEntry("x-harmont-user-id", user.id().toString())
        .containsEntry("x-harmont-user-email", user.email())
        .containsEntry("x-harmont-token-kind", "personal")
        .containsKey("x-harmont-organization")
        .containsKey("x-harmont-token-id")
        .doesNotContainKey("authorization");
    assertThat(seen.get("x-harmont-organization"))
        .isEqualTo(api.get("/api/v0/user", user.token()).json().get("personal_org_slug").asText());
  }

  @ParameterizedTest
  @EnumSource(Proxy.class)
  void aForgedUserIdNeverReachesTheUpstream(Proxy proxy) throws Exception {
    TestUser user = harmont.newUser();
    int before = upstreamHits.get();

    HttpResponse<String> withoutKey = get(proxy, "/", null, "forged-admin");
    HttpResponse<String> withKey = get(proxy, "/", "Bearer " + user.token(), "forged-admin");

    assertThat(withoutKey.statusCode()).isEqualTo(401);
    assertThat(upstreamHits.get()).as("a refused request never reaches it").isEqualTo(before + 1);
    assertThat(withKey.statusCode()).isEqualTo(200);
    assertThat(parse(withKey.body())).containsEntry("x-harmont-user-id", user.id().toString());
    assertThat(withKey.body()).doesNotContain("forged-admin");
  }

  @ParameterizedTest
  @EnumSource(Proxy.class)
  void aRevokedKeyIsRefusedAtOnce(Proxy proxy) throws Exception {
    TestUser user = harmont.newUser();
    String key = harmont.issueKey(user);
    assertThat(get(proxy, "/", "Bearer " + key, null).statusCode()).isEqualTo(200);
    String id = api.get("/api/v0/auth/token", key).json().get("id").asText();

    assertThat(api.delete("/api/v0/user/api-tokens/" + id, user.token()).status()).isEqualTo(204);

    HttpResponse<String> refused = get(proxy, "/", "Bearer " + key, null);
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).doesNotContain("x-harmont-user-id");
  }

  @ParameterizedTest
  @EnumSource(Proxy.class)
  void noCredentialOrAWrongOneIs401(Proxy proxy) throws Exception {
    HttpResponse<String> none = get(proxy, "/", null, null);
    HttpResponse<String> wrong = get(proxy, "/", "Bearer hm_" + "A".repeat(49), null);

    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm=\"harmont\""));
  }

  private HttpResponse<String> get(Proxy proxy, String path, String authorization, String forged)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(entry(proxy).resolve(path)).timeout(Duration.ofSeconds(20));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (forged != null) {
      request.header("X-Harmont-User-Id", forged);
      request.header("X-Harmont-User-Email", forged + "@example.org");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> parse(String body) {
    Map<String, String> out = new TreeMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** The proxy's address, started on first use from its documented file. */
  private URI entry(Proxy proxy) throws Exception {
    URI uri = entries.get(proxy);
    if (uri != null) {
      return uri;
    }
    int port = freePort();
    Path work = Files.createDirectories(dir.resolve(proxy.name().toLowerCase(Locale.ROOT)));
    Process process =
        switch (proxy) {
          case NGINX -> startNginx(work, port);
          case CADDY -> startCaddy(work, port);
        };
    processes.put(proxy, process);
    awaitListening(process, port, work.resolve("log"));
    uri = URI.create("http://127.0.0.1:" + port);
    entries.put(proxy, uri);
    return uri;
  }

  /** The documented file, with the three documented addresses replaced by this run's. */
  private String documented(String file, int port) throws IOException {
    String text = Files.readString(DOCS.resolve(file));
    for (String address : new String[] {CLIENT_ADDRESS, HARMONT_ADDRESS, UPSTREAM_ADDRESS}) {
      assertThat(text).as("%s names %s", file, address).contains(address);
    }
    return text.replace(CLIENT_ADDRESS, "127.0.0.1:" + port)
        .replace(HARMONT_ADDRESS, "127.0.0.1:" + harmont.baseUri().getPort())
        .replace(UPSTREAM_ADDRESS, "127.0.0.1:" + upstream.getAddress().getPort());
  }

  private Process startNginx(Path work, int port) throws IOException {
    Path binary = binary("nginx", "/usr/sbin/nginx", "nginx-light");
    Files.writeString(work.resolve("site.conf"), documented("nginx.conf", port));
    Files.writeString(
        work.resolve("nginx.conf"),
        """
        daemon off;
        master_process on;
        worker_processes 1;
        pid %1$s/nginx.pid;
        error_log %1$s/error.log warn;
        events {}
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          include %1$s/site.conf;
        }
        """
            .formatted(work));
    return new ProcessBuilder(
            binary.toString(),
            "-p",
            work.toString(),
            "-e",
            work.resolve("error.log").toString(),
            "-c",
            work.resolve("nginx.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("log").toFile())
        .start();
  }

  private Process startCaddy(Path work, int port) throws IOException {
    Path binary = binary("caddy", "/usr/bin/caddy", "caddy");
    // Global options first, as a Caddyfile requires: no admin endpoint, nothing else listening.
    Files.writeString(
        work.resolve("Caddyfile"), "{\n\tadmin off\n}\n\n" + documented("Caddyfile", port));
    ProcessBuilder builder =
        new ProcessBuilder(
                binary.toString(),
                "run",
                "--adapter",
                "caddyfile",
                "--config",
                work.resolve("Caddyfile").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("log").toFile());
    builder.environment().put("HOME", work.toString());
    builder.environment().put("XDG_DATA_HOME", work.resolve("data").toString());
    builder.environment().put("XDG_CONFIG_HOME", work.resolve("config").toString());
    return builder.start();
  }

  private static void awaitListening(Process process, int port, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the proxy exited: " + Files.readString(log));
      }
      try (Socket s = new Socket("127.0.0.1", port)) {
        assertThat(s.isConnected()).isTrue();
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    fail("the proxy did not listen within 30 s: " + Files.readString(log));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path binary(String name, String debianPath, String debianPackage) {
    Path debian = Path.of(debianPath);
    if (Files.isExecutable(debian)) {
      return debian;
    }
    String why =
        "The forward-auth proxy test needs "
            + name
            + ": apt-get install "
            + debianPackage
            + " (Debian's package). Set HARMONT_SKIP_PROXY_TESTS=1 to skip it.";
    if ("1".equals(System.getenv("HARMONT_SKIP_PROXY_TESTS"))) {
      System.err.println("ForwardAuthProxyTest skipped: " + why);
      Assumptions.abort(why);
    }
    return fail(why);
  }
}
