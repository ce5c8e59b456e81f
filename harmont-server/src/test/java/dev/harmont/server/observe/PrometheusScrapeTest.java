package dev.harmont.server.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.ListenAddress;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's {@code prometheus} package) scrapes the server's metrics listener
 * every second; after some traffic its query API must return the request counter and the latency
 * histogram's buckets for {@code GET /api/v0/user}. Where the binary is missing this fails, saying
 * what to install, unless {@code HARMONT_SKIP_PROMETHEUS_TESTS=1} (then it is skipped, saying why).
 */
class PrometheusScrapeTest {
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private TestServer server;
  private Process prometheus;
  private URI prometheusBase;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Path binary = prometheusBinary();
    server =
        TestServer.start(
            Backend.SQLITE, config -> config.metricsAddress(new ListenAddress("127.0.0.1", 0)));
    int port = freePort();
    prometheusBase = URI.create("http://127.0.0.1:" + port);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
        scrape_configs:
          - job_name: harmont
            static_configs:
              - targets: ['127.0.0.1:%d']
        """
            .formatted(server.server().metricsPort()));
    prometheus =
        new ProcessBuilder(
                binary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (server != null) {
      server.close();
    }
    http.close();
  }

  @Test
  void prometheusFindsTheRequestCounterAndHistogramForGetUser() throws Exception {
    Api api = new Api(server.baseUri());
    TestUser ada = server.newUser();
    int requests = 7;
    for (int i = 0; i < requests; i++) {
      assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
    }

    JsonNode counter =
        awaitQuery(
            "harmont_http_requests_total{job=\"harmont\",method=\"GET\",route=\"/api/v0/user\","
                + "status=\"200\"}",
            result -> result.size() == 1 && value(result.get(0)) == requests);
    assertThat(counter.get(0).at("/metric/__name__").asText())
        .isEqualTo("harmont_http_requests_total");

    JsonNode buckets =
        awaitQuery(
            "harmont_http_request_duration_seconds_bucket{job=\"harmont\",method=\"GET\","
                + "route=\"/api/v0/user\"}",
            result -> result.size() > 10);
    boolean sawInf = false;
    for (JsonNode bucket : buckets) {
      if (bucket.at("/metric/le").asText().equals("+Inf")) {
        sawInf = true;
        assertThat(value(bucket)).isEqualTo(requests);
      }
    }
    assertThat(sawInf).as("the +Inf bucket").isTrue();
    // What a dashboard asks: a quantile computed by Prometheus from the buckets.
    awaitQuery(
        "histogram_quantile(0.99, sum by (le) (harmont_http_request_duration_seconds_bucket"
            + "{job=\"harmont\",route=\"/api/v0/user\"}))",
        result -> result.size() == 1 && value(result.get(0)) > 0);
  }

  /**
   * Runs an instant query until its result satisfies {@code done}; fails after {@link #DEADLINE}
   * with Prometheus's own view of the target (health, last error) and its log.
   */
  private JsonNode awaitQuery(String query, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited (" + prometheus.exitValue() + "):\n" + log());
      }
      try {
        JsonNode body =
            get("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        last = body;
        if (body.path("status").asText().equals("success") && done.test(body.at("/data/result"))) {
          return body.at("/data/result");
        }
      } catch (IOException notYetListening) {
        // Prometheus is still starting.
      }
      Thread.sleep(500);
    }
    String targets;
    try {
      targets = get("/api/v1/targets").toPrettyString();
    } catch (IOException e) {
      targets = "(no answer: " + e + ")";
    }
    return fail(
        "Prometheus did not return the expected result for "
            + query
            + " within "
            + DEADLINE
            + ".\nlast answer: "
            + last
            + "\ntargets: "
            + targets
            + "\nlog:\n"
            + log());
  }

  private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(prometheusBase + pathAndQuery))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(response.body());
  }

  /** An instant vector sample's value: {@code "value": [time, "1.5"]}. */
  private static double value(JsonNode sample) {
    return Double.parseDouble(sample.at("/value/1").asText());
  }

  private String log() throws IOException {
    Path log = dir.resolve("prometheus.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Debian's binary, or {@code prometheus} on the PATH. */
  private static Path prometheusBinary() {
    Path debian = Path.of("/usr/bin/prometheus");
    if (Files.isExecutable(debian)) {
      return debian;
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String entry : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(entry, "prometheus");
      if (!entry.isEmpty() && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String why =
        "The real-Prometheus test needs the prometheus binary: apt-get install prometheus"
            + " (Debian's package). Set HARMONT_SKIP_PROMETHEUS_TESTS=1 to skip it.";
    if ("1".equals(System.getenv("HARMONT_SKIP_PROMETHEUS_TESTS"))) {
      System.err.println("PrometheusScrapeTest skipped: " + why);
      Assumptions.abort(why);
    }
    return fail(why);
  }
}
