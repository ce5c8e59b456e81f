package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Two stateless nodes over one PostgreSQL, started at the same moment on an empty schema: the
 * migrations run once, both serve, keys created through either are visible through both and count
 * against one per-user limit, and a key revoked through one node is refused by it at once and by
 * the other as soon as its listener hears of it (PushInvalidationTest measures how soon).
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class TwoNodesTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final int CREATIONS = 200;
  // Bounded client concurrency: enough to overlap requests on both nodes, few enough for 2 cores.
  private static final int CLIENT_THREADS = 16;

  private final MutableClock clock = MutableClock.startingNow();
  private TestDatabase database;
  private ServerConfig config;
  private final List<HarmontServer> nodes = new ArrayList<>();

  @BeforeEach
  void startTwoNodesAtOnce() throws Exception {
    database = Backend.POSTGRESQL.create();
    config =
        ServerConfig.builder()
            .port(0)
            .database(database.settings())
            // Room for exactly the keys created below, so the limit is exercised too.
            .maxLiveKeysPerUser(CREATIONS + 1)
            .clock(clock)
            .build();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService starters = Executors.newFixedThreadPool(2);
    try {
      List<Future<HarmontServer>> starting = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        starting.add(
            starters.submit(
                () -> {
                  go.await();
                  return HarmontServer.start(config);
                }));
      }
      go.countDown();
      ExecutionException failed = null;
      for (Future<HarmontServer> node : starting) {
        try {
          nodes.add(node.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          failed = e; // the node that did start is still closed after the test
        }
      }
      if (failed != null) {
        throw failed;
      }
    } finally {
      starters.shutdown();
    }
  }

  @AfterEach
  void stopNodes() {
    try {
      for (HarmontServer node : nodes) {
        node.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  @Test
  void concurrentStartsMigrateOnceAndBothNodesServe() throws SQLException {
    Map<String, Integer> runsByVersion = new LinkedHashMap<>();
    try (Connection c = connect(database.settings());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, count(*), bool_and(success) FROM flyway_schema_history"
                    + " GROUP BY version ORDER BY version")) {
      while (rs.next()) {
        assertThat(rs.getBoolean(3)).as("migration %s succeeded", rs.getString(1)).isTrue();
        runsByVersion.put(rs.getString(1), rs.getInt(2));
      }
    }
    int available = flyway(database.settings()).info().all().length;

    assertThat(runsByVersion)
        .hasSize(available)
        .allSatisfy((version, runs) -> assertThat(runs).isOne());
    assertThat(flyway(database.settings()).info().pending()).isEmpty();
    for (HarmontServer node : nodes) {
      Api.Response ready = new Api(node.baseUri()).get("/readyz", null);
      assertThat(ready.status()).isEqualTo(200);
    }
  }

  @Test
  void keysCreatedConcurrentlyThroughBothNodesAreDistinctAndListedByEither() throws Exception {
    String owner =
        nodes.get(0).accounts().createUser("two@example.org", "Two Nodes").key().secret();
    List<Api> apis = nodes.stream().map(n -> new Api(n.baseUri())).toList();
    for (Api api : apis) {
      assertThat(api.get("/api/v0/user", owner).status()).isEqualTo(200); // loads the spec once
    }

    List<Api.Response> created = new ArrayList<>();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);
    try {
      List<Future<Api.Response>> pending = new ArrayList<>();
      for (int i = 0; i < CREATIONS; i++) {
        Api api = apis.get(i % 2);
        String body = "{\"description\":\"key " + i + "\"}";
        pending.add(clients.submit(() -> api.post(TOKENS, owner, body)));
      }
      for (Future<Api.Response> response : pending) {
        created.add(response.get(60, TimeUnit.SECONDS));
      }
    } finally {
      clients.shutdown();
    }

    assertThat(created).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));
    Set<String> secrets = new HashSet<>();
    Set<String> ids = new HashSet<>();
    for (Api.Response r : created) {
      secrets.add(r.json().get("token").asText());
      ids.add(r.json().at("/api_token/id").asText());
    }
    assertThat(secrets).hasSize(CREATIONS);
    assertThat(ids).hasSize(CREATIONS);
    for (Api api : apis) {
      JsonNode listed = api.get(TOKENS, owner).json().get("api_tokens");
      Set<String> listedIds = new HashSet<>();
      listed.forEach(t -> listedIds.add(t.get("id").asText()));
      assertThat(listed).hasSize(CREATIONS + 1); // and the key the user was created with
      assertThat(listedIds).containsAll(ids);
      // The per-user limit is counted in the database, so neither node can go past it.
      Api.Response oneTooMany = api.post(TOKENS, owner, "{}");
      assertThat(oneTooMany.status()).isEqualTo(409);
      assertThat(oneTooMany.code()).isEqualTo("api_token_limit_reached");
    }
  }

  @Test
  void aKeyRevokedThroughOneNodeIsRefusedThereAtOnceAndByTheOtherWhenItHearsOfIt() {
    String owner =
        nodes.get(0).accounts().createUser("revoke@example.org", "Revoke").key().secret();
    Api a = new Api(nodes.get(0).baseUri());
    Api b = new Api(nodes.get(1).baseUri());
    Api.Response created = a.post(TOKENS, owner, "{}");
    String secret = created.json().get("token").asText();
    String id = created.json().at("/api_token/id").asText();
    // Used on both first, so that each node's authentication cache holds the key.
    assertThat(a.get("/api/v0/user", secret).status()).isEqualTo(200);
    assertThat(b.get("/api/v0/user", secret).status()).isEqualTo(200);

    assertThat(a.delete(TOKENS + "/" + id, owner).status()).isEqualTo(204);
    Api.Response refusedHere = a.get("/api/v0/user", secret);
    // This test's clock stands still, so B's entry never expires: only the notice removes it.
    // How soon is a benchmark (bench/push-invalidation-postgres.sh); the deadline only ends the
    // wait, generously, so that a busy machine cannot fail it.
    Api.Response refusedThere = b.get("/api/v0/user", secret);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (refusedThere.status() == 200 && System.nanoTime() < deadline) {
      refusedThere = b.get("/api/v0/user", secret);
    }

    assertThat(refusedHere.status()).isEqualTo(401);
    assertThat(refusedThere.status()).isEqualTo(401);
    assertThat(refusedThere.code()).isEqualTo("unauthorized");
    assertThat(b.get("/api/v0/user", owner).status()).isEqualTo(200);
  }

  @Test
  void aSecretRotatedOutThroughOneNodeStopsOnBothAtTheEndOfItsGrace() {
    String owner =
        nodes.get(0).accounts().createUser("rotate@example.org", "Rotate").key().secret();
    Api a = new Api(nodes.get(0).baseUri());
    Api b = new Api(nodes.get(1).baseUri());
    Api.Response created = a.post(TOKENS, owner, "{}");
    String old = created.json().get("token").asText();
    String id = created.json().at("/api_token/id").asText();
    assertThat(a.get("/api/v0/user", old).status()).isEqualTo(200);
    assertThat(b.get("/api/v0/user", old).status()).isEqualTo(200);
    Duration grace = Duration.ofSeconds(30);

    Api.Response rotated =
        a.post(
            TOKENS + "/" + id + "/rotate",
            owner,
            "{\"grace_period_seconds\":" + grace.toSeconds() + "}");
    String fresh = rotated.json().get("token").asText();

    assertThat(b.get("/api/v0/user", fresh).status()).isEqualTo(200);
    // B's entry from before the rotation expires after a TTL; its next lookup learns the end.
    clock.advance(config.account().authCache().ttl().plusMillis(1));
    assertThat(b.get("/api/v0/user", old).status()).isEqualTo(200);
    assertThat(a.get("/api/v0/user", old).status()).isEqualTo(200);
    clock.advance(grace.minus(config.account().authCache().ttl().plusMillis(1)));
    assertThat(a.get("/api/v0/user", old).status()).isEqualTo(401);
    assertThat(b.get("/api/v0/user", old).status()).isEqualTo(401);
    assertThat(b.get("/api/v0/user", fresh).status()).isEqualTo(200);
  }

  private static Flyway flyway(DatabaseSettings settings) {
    return Flyway.configure()
        .dataSource(settings.url(), settings.user(), settings.password())
        .locations("classpath:db/migration/postgresql")
        .load();
  }

  private static Connection connect(DatabaseSettings settings) throws SQLException {
    return DriverManager.getConnection(settings.url(), settings.user(), settings.password());
  }
}
