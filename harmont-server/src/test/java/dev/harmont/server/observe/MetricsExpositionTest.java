package dev.harmont.server.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.ListenAddress;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.Scrape;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Prometheus exposition over real HTTP, on the metrics listener: requests by route template
 * (never a path with an id), method and status, latency histograms, authentication outcomes, the
 * auth cache, the pools, the SQLite writer, the JVM and the build; and nothing of it on the API
 * port.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
class MetricsExpositionTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  @Parameter Backend backend;

  private MutableClock clock;
  private TestServer server;
  private Api api;

  @BeforeEach
  void start() {
    clock = MutableClock.startingNow();
    server =
        TestServer.start(
            backend,
            config ->
                config
                    .clock(clock)
                    .metricsAddress(new ListenAddress("127.0.0.1", 0))
                    .authFailureLimit(5)
                    .authFailureWindow(Duration.ofMinutes(1)));
    api = new Api(server.baseUri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int metricsPort() {
    return server.server().metricsPort();
  }

  @Test
  void requestsAreCountedByRouteTemplateMethodAndStatusWithoutIds() {
    TestUser ada = server.newUser();
    assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/user", ada.token()).status()).isEqualTo(200);
    Response created = api.post(TOKENS, ada.token(), "{\"description\":\"metrics\"}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.json().at("/api_token/id").asText();
    assertThat(api.delete(TOKENS + "/" + id, ada.token()).status()).isEqualTo(204);
    assertThat(api.delete(TOKENS + "/" + id, ada.token()).status()).isEqualTo(404);
    assertThat(api.get("/no/such/path/12345", null).status()).isEqualTo(404);
    assertThat(api.send("PUT", "/api/v0/user", ada.token(), "{}").status()).isEqualTo(405);
    assertThat(api.get("/api/v0/user", "hm_madeUpButWellFormed0123456789").status()).isEqualTo(401);

    Scrape scrape = Scrape.of(metricsPort());

    assertThat(scrape.contentType()).startsWith("text/plain");
    assertThat(count(scrape, "GET", "/api/v0/user", "200")).isEqualTo(2);
    assertThat(count(scrape, "GET", "/api/v0/user", "401")).isEqualTo(1);
    assertThat(count(scrape, "POST", TOKENS, "201")).isEqualTo(1);
    assertThat(count(scrape, "DELETE", TOKENS + "/{id}", "204")).isEqualTo(1);
    assertThat(count(scrape, "DELETE", TOKENS + "/{id}", "404")).isEqualTo(1);
    assertThat(count(scrape, "PUT", "/api/v0/user", "405")).isEqualTo(1);
    assertThat(count(scrape, "GET", "unmatched", "404")).isEqualTo(1);
    // Never a raw path, an id or a secret in a label.
    assertThat(scrape.text()).doesNotContain(id).doesNotContain("/no/such").doesNotContain("12345");
    assertThat(scrape.text()).doesNotContain(ada.token());
    assertThat(scrape.find("harmont_http_requests_total", Map.of()))
        .allSatisfy(
            s ->
                assertThat(s.labels().get("route"))
                    .isIn(
                        "/api/v0/user",
                        TOKENS,
                        TOKENS + "/{id}",
                        "/api/v0/openapi.json", // the test client reads it to check answers
                        "unmatched"));
  }

  @Test
  void latencyIsAPrometheusHistogramPerRoute() {
    TestUser ada = server.newUser();
    for (int i = 0; i < 3; i++) {
      api.get("/api/v0/user", ada.token());
    }

    Scrape scrape = Scrape.of(metricsPort());

    Map<String, String> route = Map.of("method", "GET", "route", "/api/v0/user");
    var buckets = scrape.find("harmont_http_request_duration_seconds_bucket", route);
    assertThat(buckets).hasSizeGreaterThan(10);
    assertThat(buckets).extracting(b -> b.labels().get("le")).contains("0.001", "0.1", "+Inf");
    assertThat(scrape.sum("harmont_http_request_duration_seconds_bucket", withLe(route, "+Inf")))
        .isEqualTo(3);
    assertThat(scrape.sum("harmont_http_request_duration_seconds_count", route)).isEqualTo(3);
    assertThat(scrape.sum("harmont_http_request_duration_seconds_sum", route)).isPositive();
    // Cumulative: each bucket holds at least what the one below holds.
    double previous = 0;
    for (var bucket : buckets) {
      assertThat(bucket.value()).isGreaterThanOrEqualTo(previous);
      previous = bucket.value();
    }
  }

  @Test
  void authenticationOutcomesAndTheAuthCacheAreCounted() {
    TestUser ada = server.newUser();
    api.get("/api/v0/user", ada.token()); // ok, cache miss
    api.get("/api/v0/user", ada.token()); // ok, cache hit
    api.get("/api/v0/user", null); // missing
    api.get("/api/v0/user", "hm_madeUpButWellFormed0123456789"); // unknown
    Response created =
        api.post(
            TOKENS,
            ada.token(),
            "{\"expires_at\":\"" + clock.instant().plus(Duration.ofHours(1)) + "\"}");
    String expiring = created.json().get("token").asText();
    Response revokedKey = api.post(TOKENS, ada.token(), "{}");
    String revoked = revokedKey.json().get("token").asText();
    api.delete(TOKENS + "/" + revokedKey.json().at("/api_token/id").asText(), ada.token());
    api.get("/api/v0/user", revoked); // unknown: a revoked key's row is gone
    clock.advance(Duration.ofHours(2));
    api.get("/api/v0/user", expiring); // expired

    Scrape scrape = Scrape.of(metricsPort());

    assertThat(outcome(scrape, "ok")).isGreaterThanOrEqualTo(5);
    assertThat(outcome(scrape, "missing")).isEqualTo(1);
    assertThat(outcome(scrape, "unknown")).isEqualTo(2);
    assertThat(outcome(scrape, "expired")).isEqualTo(1);
    assertThat(outcome(scrape, "throttled")).isZero();
    assertThat(scrape.sum("harmont_auth_cache_requests_total", Map.of("result", "hit")))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.sum("harmont_auth_cache_requests_total", Map.of("result", "miss")))
        .isGreaterThanOrEqualTo(1);
    assertThat(scrape.find("harmont_auth_cache_entries", Map.of())).hasSize(1);
  }

  @Test
  void throttledAuthenticationsAreCounted() {
    for (int i = 0; i < 5; i++) {
      assertThat(api.get("/api/v0/user", "hm_guess" + i).status()).isEqualTo(401);
    }
    assertThat(api.get("/api/v0/user", "hm_guess").status()).isEqualTo(429);

    Scrape scrape = Scrape.of(metricsPort());

    // The sixth is refused like the others, and answered 429 since its address is over the limit.
    assertThat(outcome(scrape, "unknown")).isEqualTo(6);
    assertThat(outcome(scrape, "throttled")).isEqualTo(1);
    assertThat(count(scrape, "GET", "/api/v0/user", "429")).isEqualTo(1);
  }

  @Test
  void poolsWriterJvmAndBuildAreExposed() {
    TestUser ada = server.newUser();
    api.post(TOKENS, ada.token(), "{}");

    Scrape scrape = Scrape.of(metricsPort());

    for (String gauge :
        new String[] {
          "hikaricp_connections_active", "hikaricp_connections_idle", "hikaricp_connections_pending"
        }) {
      assertThat(scrape.find(gauge, Map.of())).as(gauge).isNotEmpty();
    }
    if (backend == Backend.SQLITE) {
      assertThat(scrape.sum("harmont_sqlite_write_batch_size_count", Map.of()))
          .isGreaterThanOrEqualTo(1);
      assertThat(scrape.find("harmont_sqlite_write_batch_size_bucket", Map.of())).isNotEmpty();
      assertThat(scrape.sum("harmont_sqlite_fsync_seconds_count", Map.of()))
          .isGreaterThanOrEqualTo(1);
    } else {
      assertThat(scrape.text()).doesNotContain("harmont_sqlite_");
    }
    assertThat(scrape.find("jvm_memory_used_bytes", Map.of("area", "heap"))).isNotEmpty();
    assertThat(scrape.find("jvm_threads_live_threads", Map.of())).isNotEmpty();
    assertThat(scrape.text()).contains("jvm_gc_");
    assertThat(scrape.find("harmont_build_info", Map.of()))
        .singleElement()
        .satisfies(
            info -> {
              assertThat(info.value()).isEqualTo(1);
              assertThat(info.labels().get("version")).matches("\\d+\\.\\d+\\.\\d+.*");
            });
    assertThat(scrape.find("harmont_access_log_dropped_total", Map.of())).hasSize(1);
  }

  @Test
  void theApiPortDoesNotServeMetrics() {
    Response onApi = api.get("/metrics", null);

    assertThat(onApi.status()).isEqualTo(404);
    assertThat(onApi.code()).isEqualTo("route_not_found");
    assertThat(onApi.body()).doesNotContain("jvm_");
  }

  @Test
  void theMetricsListenerServesNothingElse() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      for (String path : new String[] {"/api/v0/user", "/healthz", "/metrics/x"}) {
        HttpResponse<String> response =
            client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort() + path))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(404);
      }
    }
    // Scrapes are not API requests.
    assertThat(Scrape.of(metricsPort()).find("harmont_http_requests_total", Map.of())).isEmpty();
  }

  @Test
  void aMetricsAddressInUseStopsTheStart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      ListenAddress busy = new ListenAddress("127.0.0.1", taken.getLocalPort());

      assertThatThrownBy(
              () -> TestServer.start(backend, config -> config.metricsAddress(busy)).close())
          .hasMessageContaining(busy.toString());
    }
  }

  @Test
  void withoutAnAddressThereIsNoMetricsListener() {
    server.close();
    server = TestServer.start(backend, config -> config.clock(clock));

    assertThat(server.server().metricsPort()).isEqualTo(-1);
  }

  private static double count(Scrape scrape, String method, String route, String status) {
    return scrape.sum(
        "harmont_http_requests_total", Map.of("method", method, "route", route, "status", status));
  }

  private static double outcome(Scrape scrape, String outcome) {
    return scrape.sum("harmont_auth_attempts_total", Map.of("outcome", outcome));
  }

  private static Map<String, String> withLe(Map<String, String> labels, String le) {
    var all = new java.util.HashMap<>(labels);
    all.put("le", le);
    return all;
  }
}
