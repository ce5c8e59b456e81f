package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
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
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class PostgresOutageTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // The server promises about 2 s (its pool's connection timeout); the bound leaves room for a
  // loaded 2-core CI machine. The client timeout is what "hangs" means here: it must never fire.
  private static final Duration FAIL_FAST_BOUND = Duration.ofSeconds(5);
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration RECOVERY_BOUND = Duration.ofSeconds(10);
  // When packets vanish, a request already waiting on the database is freed by the driver's socket
  // timeout (5 s); the bound leaves the same room as above.
  private static final Duration PARTITION_BOUND = Duration.ofSeconds(8);
  private static final int CLIENTS = 4;

  private TestDatabase database;
  private TcpProxy proxy;
  private HarmontServer server;
  private HttpClient http;
  private OpenApiValidator spec;
  private String key;

  /** One request as the client saw it. */
  private record Outcome(
      String what,
      long startNanos,
      long endNanos,
      int status,
      String code,
      List<String> problems,
      Exception failure) {
    Duration latency() {
      return Duration.ofNanos(endNanos - startNanos);
    }

    @Override
    public String toString() {
      return what
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
    server =
        HarmontServer.start(
            ServerConfig.embedded(database.settings().dataDir())
                .withPort(0)
                .withDatabase(database.settingsVia("127.0.0.1", proxy.port())));
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
    assertThat(outcome("GET", "/api/v0/user").status()).isEqualTo(200);
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);

    // Clients keep requests going across the cut, each doing reads and writes in turn.
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong cutAt = new AtomicLong(Long.MAX_VALUE);
    CountDownLatch enoughAfterCut = new CountDownLatch(CLIENTS * 2);
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int n = client; !stop.get(); n++) {
                      Outcome o =
                          switch (n % 3) {
                            case 0 -> outcome("GET", "/api/v0/user");
                            case 1 -> outcome("GET", "/api/v0/user/api-tokens");
                            default -> outcome("POST", "/api/v0/user/api-tokens");
                          };
                      outcomes.add(o);
                      if (o.startNanos() > cutAt.get()) {
                        enoughAfterCut.countDown();
                      }
                    }
                  }));
    }
    Thread.sleep(300);
    proxy.cut();
    cutAt.set(System.nanoTime());
    Outcome readyDuringOutage = outcome("GET", "/readyz");
    boolean enough = enoughAfterCut.await(30, TimeUnit.SECONDS);
    stop.set(true);
    for (Thread t : clients) {
      t.join(Duration.ofSeconds(15));
    }

    List<Outcome> afterCut;
    List<Outcome> acrossCut;
    synchronized (outcomes) {
      afterCut = outcomes.stream().filter(o -> o.startNanos() > cutAt.get()).toList();
      acrossCut =
          outcomes.stream()
              .filter(o -> o.startNanos() <= cutAt.get() && o.endNanos() > cutAt.get())
              .toList();
    }
    System.out.println("readyz during outage: " + readyDuringOutage);
    System.out.println("in flight at the cut: " + acrossCut);
    System.out.println("started during outage: " + afterCut);
    assertThat(enough).as("two requests per client finished after the cut").isTrue();
    assertThat(readyDuringOutage.problems()).isEmpty();
    assertThat(readyDuringOutage.status()).as(readyDuringOutage.toString()).isEqualTo(503);
    assertThat(readyDuringOutage.code()).isEqualTo("service_unavailable");
    assertThat(readyDuringOutage.latency()).isLessThan(FAIL_FAST_BOUND);
    assertThat(afterCut)
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.toString()).isNull();
              assertThat(o.problems()).as(o.toString()).isEmpty();
              assertThat(o.status()).as(o.toString()).isEqualTo(503);
              assertThat(o.code()).as(o.toString()).isEqualTo("service_unavailable");
              assertThat(o.latency()).as(o.toString()).isLessThan(FAIL_FAST_BOUND);
            });
    // A request caught mid-flight either finished before the cut or is a 503 too; never a 500.
    assertThat(acrossCut)
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.toString()).isNull();
              assertThat(o.problems()).as(o.toString()).isEmpty();
              assertThat(o.status()).as(o.toString()).isIn(200, 201, 503);
              assertThat(o.latency()).as(o.toString()).isLessThan(FAIL_FAST_BOUND);
            });

    proxy.restore();
    Outcome served = servesAgainWithin(RECOVERY_BOUND, "/api/v0/user");

    assertThat(served.status()).as(served.toString()).isEqualTo(200);
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);
    assertThat(outcome("POST", "/api/v0/user/api-tokens").status()).isEqualTo(201);
  }

  @Test
  void readyzAnswersWithinTheBoundEvenWhenTheDatabaseStopsAnswering() throws Exception {
    // Just used: the pool hands this connection out again without validating it first.
    assertThat(outcome("GET", "/readyz").status()).isEqualTo(200);

    proxy.blackhole();
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
              assertThat(o.latency()).as(o.toString()).isLessThan(FAIL_FAST_BOUND);
            });
    proxy.restore();
    assertThat(servesAgainWithin(RECOVERY_BOUND, "/readyz").status()).isEqualTo(200);
  }

  @Test
  void aNetworkPartitionFailsEveryRequestWithinTheSocketTimeout() throws Exception {
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!stop.get()) {
                      outcomes.add(outcome("GET", "/api/v0/user"));
                    }
                  }));
    }
    Thread.sleep(300);
    proxy.blackhole();
    long partitionedAt = System.nanoTime();
    // Long enough for requests stuck on the network to time out and for later ones to follow.
    Thread.sleep(PARTITION_BOUND.toMillis());
    stop.set(true);
    for (Thread t : clients) {
      t.join(CLIENT_TIMEOUT.plusSeconds(5));
    }

    List<Outcome> duringPartition;
    synchronized (outcomes) {
      duringPartition = outcomes.stream().filter(o -> o.endNanos() > partitionedAt).toList();
    }
    System.out.println("during the partition: " + duringPartition);
    assertThat(duringPartition)
        .isNotEmpty()
        .allSatisfy(
            o -> {
              assertThat(o.failure()).as(o.toString()).isNull();
              assertThat(o.problems()).as(o.toString()).isEmpty();
              assertThat(o.status()).as(o.toString()).isIn(200, 503);
              assertThat(o.latency()).as(o.toString()).isLessThan(PARTITION_BOUND);
            });
    assertThat(duringPartition.stream().filter(o -> o.startNanos() > partitionedAt))
        .allSatisfy(o -> assertThat(o.code()).as(o.toString()).isEqualTo("service_unavailable"));

    proxy.restore();
    assertThat(servesAgainWithin(RECOVERY_BOUND, "/api/v0/user").status()).isEqualTo(200);
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
    String what = method + " " + path;
    long start = System.nanoTime();
    HttpResponse<String> response;
    try {
      response = send(method, path, path.startsWith("/api/v0/user") ? key : null);
    } catch (IOException | InterruptedException e) {
      return new Outcome(what, start, System.nanoTime(), -1, null, List.of(), e);
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
    return new Outcome(what, start, end, response.statusCode(), code, problems, null);
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
