package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.OpenApiValidator;
import dev.harmont.server.testing.TcpProxy;
import dev.harmont.server.testing.TestDatabase;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * PostgreSQL goes away under load and comes back: requests fail fast with 503 {@code
 * service_unavailable} instead of queueing for the pool's default 30 s, {@code /readyz} says not
 * ready, nothing hangs, and the same process serves again by itself once the database is back. The
 * outage is a {@link TcpProxy} between the server and PostgreSQL, so the shared database itself is
 * never stopped: cut, as when PostgreSQL stops, or a blackhole, as when the network fails.
 *
 * <p>The server runs with its default configuration, authentication cache included: for one TTL
 * after the outage begins, {@code GET /api/v0/user} may still be answered 200 from memory (it needs
 * nothing else from the database); every other request needs the database and must be a 503.
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class PostgresOutageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";

  // What tells failing fast from hanging is who ends the request: the server answers 503 by itself
  // (its pool's connection timeout, about 2 s; the driver's socket timeout, 5 s, when packets
  // vanish), or the client gives up. So the tests assert that every request got the server's own
  // answer, never that it came within some time (a busy machine only makes answers later; how fast
  // they are is measured, not tested). The client timeout is what "hangs" means: it must never
  // fire.
  // It sits below what a request would wait without those timeouts (HikariCP's default connection
  // timeout, 30 s; the kernel's TCP retries, minutes), so a lost timeout still fails here.
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(20);
  // A guard against waiting forever for the recovery, not a bound on it.
  private static final Duration RECOVERY_GUARD = Duration.ofSeconds(120);
  // How long the partition lasts: longer than the driver's socket timeout, so that requests waiting
  // on the database when it began are freed by it.
  private static final Duration PARTITION = Duration.ofSeconds(8);
  private static final int CLIENTS = 4;
  // Paced so the keys created stay well under the per-user limit (100) and the CPU stays free.
  private static final Duration PAUSE = Duration.ofMillis(20);

  private TestDatabase database;
  private TcpProxy proxy;
  private HarmontServer server;
  private Duration cacheTtl;
  private HttpClient http;
  private OpenApiValidator spec;
  private String key;

  /** One request as the client saw it. */
  private record Outcome(
      String method,
      String path,
      long startNanos,
      long endNanos,
      int status,
      String code,
      List<String> problems,
      Exception failure) {
    Duration latency() {
      return Duration.ofNanos(endNanos - startNanos);
    }

    /** Whether the authentication cache alone can answer it, without the database. */
    boolean answerableFromMemory() {
      return method.equals("GET") && path.equals(USER);
    }

    @Override
    public String toString() {
      return method
          + " "
          + path
          + " → "
          + (failure != null ? failure : status + " " + code + " " + problems)
          + " in "
          + latency().toMillis()
          + " ms";
    }
  }

  @BeforeEach
  void startServerBehindProxy() throws Exception {
    database = Backend.POSTGRESQL.create();
    InetSocketAddress postgres = database.postgresAddress();
    proxy = TcpProxy.to(postgres.getHostString(), postgres.getPort());
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .database(database.settingsVia("127.0.0.1", proxy.port()))
            .build();
    cacheTtl = config.account().authCache().ttl();
    server = HarmontServer.start(config);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    spec = OpenApiValidator.of(send("GET", "/api/v0/openapi.json", null).body());
    key = server.accounts().createUser("outage@example.org", "Outage").key().secret();
  }

  @AfterEach
  void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      try {
        if (proxy != null) {
          proxy.close();
        }
      } finally {
        if (database != null) {
          database.close();
        }
      }
    }
  }

  @Test
  void anOutageAnswersFast503sAndTheSameProcessRecoversByItself() throws Exception {
    assertThat(outcome("GET", USER).status()).isEqualTo(200);
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);
    Load load = new Load();

    Thread.sleep(300);
    proxy.cut();
    long cutAt = System.nanoTime();
    load.outageBeganAt(cutAt);
    // An answer is reused for this long after its probe started (the 200 above is older by now,
    // but the wait makes it so on a slow machine too).
    Thread.sleep(Database.READINESS_REUSE);
    Outcome readyDuringOutage = outcome("GET", "/readyz");
    boolean enough = load.enoughAfterCache.await(30, TimeUnit.SECONDS);
    List<Outcome> outcomes = load.stop();

    System.out.println("readyz during outage: " + readyDuringOutage);
    System.out.println("across and after the cut: " + endingAfter(outcomes, cutAt));
    assertThat(enough).as("two requests per client after the cache TTL").isTrue();
    assertThat(readyDuringOutage.problems()).isEmpty();
    assertThat(readyDuringOutage.status()).as(readyDuringOutage.toString()).isEqualTo(503);
    assertThat(readyDuringOutage.code()).isEqualTo("service_unavailable");
    assertThat(readyDuringOutage.failure()).as(readyDuringOutage.toString()).isNull();
    assertDuringOutage(outcomes, cutAt);

    proxy.restore();
    Outcome served = servesAgainWithin(RECOVERY_GUARD, TOKENS);

    assertThat(served.status()).as(served.toString()).isEqualTo(200);
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);
    assertThat(outcome("POST", TOKENS).status()).isEqualTo(201);
  }

  @Test
  void readyzAnswersWithinTheBoundEvenWhenTheDatabaseStopsAnswering() throws Exception {
    // Just used: the pool hands this connection out again without validating it first.
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);

    proxy.blackhole();
    Thread.sleep(Database.READINESS_REUSE); // the 200 above is no longer reused
    Outcome first = outcome("GET", "/readyz");
    Outcome second = outcome("GET", "/readyz");
    System.out.println("readyz in a blackhole: " + first + ", then " + second);

    assertThat(List.of(first, second))
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.toString()).isNull();
              assertThat(o.problems()).as(o.toString()).isEmpty();
              assertThat(o.status()).as(o.toString()).isEqualTo(503);
              assertThat(o.code()).as(o.toString()).isEqualTo("service_unavailable");
            });
    proxy.restore();
    assertThat(servesAgainWithin(RECOVERY_GUARD, "/readyz").status()).isEqualTo(200);
  }

  @Test
  void aNetworkPartitionFailsEveryRequestWithinTheSocketTimeout() throws Exception {
    Load load = new Load();

    Thread.sleep(300);
    proxy.blackhole();
    long partitionedAt = System.nanoTime();
    load.outageBeganAt(partitionedAt);
    // Long enough for requests stuck on the network to time out and for later ones to follow.
    Thread.sleep(PARTITION.toMillis());
    List<Outcome> outcomes = load.stop();

    System.out.println("across and after the partition: " + endingAfter(outcomes, partitionedAt));
    assertDuringOutage(outcomes, partitionedAt);

    proxy.restore();
    assertThat(servesAgainWithin(RECOVERY_GUARD, TOKENS).status()).isEqualTo(200);
  }

  /**
   * Nothing failed on the client (the server answered every request itself, before the client gave
   * up) and every answer conforms; after the outage began, only 503 {@code service_unavailable},
   * except what the authentication cache may still answer during its TTL.
   */
  private void assertDuringOutage(List<Outcome> outcomes, long beganAt) {
    long cacheGoneAt = beganAt + cacheTtl.toNanos();
    assertThat(endingAfter(outcomes, beganAt))
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.toString()).isNull();
              assertThat(o.problems()).as(o.toString()).isEmpty();
              if (o.status() != 503) {
                // In flight when the outage began, or answered from memory: never a 500.
                assertThat(o.startNanos() <= beganAt || o.answerableFromMemory())
                    .as("a success that needed the database: %s", o)
                    .isTrue();
                assertThat(o.startNanos()).as(o.toString()).isLessThan(cacheGoneAt);
                assertThat(o.status()).as(o.toString()).isIn(200, 201);
              } else {
                assertThat(o.code()).as(o.toString()).isEqualTo("service_unavailable");
              }
            });
    assertThat(outcomes.stream().filter(o -> o.startNanos() > cacheGoneAt))
        .as("requests after the cache TTL")
        .isNotEmpty();
  }

  private static List<Outcome> endingAfter(List<Outcome> outcomes, long instant) {
    return outcomes.stream().filter(o -> o.endNanos() > instant).toList();
  }

  /** Clients sending reads and writes in turn, each a short pause after its last one answered. */
  private final class Load {
    final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch enoughAfterCache = new CountDownLatch(CLIENTS * 2);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong cacheGoneAt = new AtomicLong(Long.MAX_VALUE);
    private final List<Thread> clients = new ArrayList<>();

    Load() {
      for (int i = 0; i < CLIENTS; i++) {
        int client = i;
        clients.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int n = client; !stop.get(); n++) {
                        Outcome o =
                            switch (n % 3) {
                              case 0 -> outcome("GET", USER);
                              case 1 -> outcome("GET", TOKENS);
                              default -> outcome("POST", TOKENS);
                            };
                        outcomes.add(o);
                        if (o.startNanos() > cacheGoneAt.get()) {
                          enoughAfterCache.countDown();
                        }
                        try {
                          Thread.sleep(PAUSE);
                        } catch (InterruptedException e) {
                          return;
                        }
                      }
                    }));
      }
    }

    void outageBeganAt(long nanos) {
      cacheGoneAt.set(nanos + cacheTtl.toNanos());
    }

    /** Stops the clients once their requests in flight answered (or timed out). */
    List<Outcome> stop() throws InterruptedException {
      stop.set(true);
      for (Thread t : clients) {
        t.join(CLIENT_TIMEOUT.plusSeconds(5));
      }
      synchronized (outcomes) {
        return List.copyOf(outcomes);
      }
    }
  }

  private Outcome servesAgainWithin(Duration bound, String path) throws InterruptedException {
    long restoredAt = System.nanoTime();
    Outcome served = outcome("GET", path);
    while (served.status() != 200 && System.nanoTime() - restoredAt < bound.toNanos()) {
      Thread.sleep(100);
      served = outcome("GET", path);
    }
    System.out.println(
        "serving "
            + path
            + " again "
            + Duration.ofNanos(System.nanoTime() - restoredAt).toMillis()
            + " ms after restore: "
            + served);
    return served;
  }

  /**
   * Sends a request with the test user's key and checks the answer against the served spec. Runs on
   * the client threads, so it records problems instead of throwing.
   */
  private Outcome outcome(String method, String path) {
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = send(method, path, path.startsWith(USER) ? key : null);
    } catch (IOException | InterruptedException e) {
      return new Outcome(method, path, start, System.nanoTime(), -1, null, List.of(), e);
    }
    long end = System.nanoTime();
    List<String> problems =
        new ArrayList<>(
            spec.check(
                method,
                path,
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.body()));
    String code = null;
    if (response.statusCode() >= 400) {
      try {
        JsonNode body = MAPPER.readTree(response.body());
        code = body.path("error").path("code").asText(null);
      } catch (IOException e) {
        problems.add("not JSON: " + response.body());
      }
    }
    if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
      problems.add("503 without Retry-After");
    }
    return new Outcome(method, path, start, end, response.statusCode(), code, problems, null);
  }

  private HttpResponse<String> send(String method, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(server.baseUri() + path)).timeout(CLIENT_TIMEOUT);
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    if (method.equals("POST")) {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString("{}"));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
