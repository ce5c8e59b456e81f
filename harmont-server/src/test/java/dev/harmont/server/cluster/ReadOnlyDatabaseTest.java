package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestDatabase;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * What a node sees of a failover that lands its connections on a server that cannot write (a
 * standby not yet promoted, a demoted primary): {@code /readyz} says 503 so that a load balancer
 * routes around the node, every write answers a 503 {@code service_unavailable} envelope (never a
 * 500, never a hang), and once the database accepts writes again the same process serves writes by
 * itself, without a restart.
 *
 * <p>The read-only server is a database of the test's own with {@code
 * default_transaction_read_only} on (a database-wide setting, so never on the shared database), and
 * its sessions terminated, as a failover restarts the server: new sessions start read-only, as on a
 * standby. Whether the node then connects at all depends on the URL: without {@code
 * targetServerType} it connects and reads still work; with {@code targetServerType=primary} (the
 * multi-host URL of a formation) the driver refuses read-only servers, so nothing is served until a
 * primary is back.
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class ReadOnlyDatabaseTest {
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";
  // The server promises 2 s per answer at worst plus the readiness reuse. The tests wait for the
  // answer to change, and this only ends the wait when it never does: a guard, not a bound (how
  // soon is measured, not tested), so a busy machine cannot fail them.
  private static final Duration GUARD = Duration.ofSeconds(60);

  private TestDatabase database;
  private String name;
  private HarmontServer server;
  private Api api;
  private String owner;

  private void start(String urlParameters) {
    database = Backend.postgresDatabase(urlParameters);
    String url = database.settings().url();
    name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
    server =
        HarmontServer.start(ServerConfig.builder().port(0).database(database.settings()).build());
    api = Api.expectingOutages(server.baseUri());
    owner = server.accounts().createUser("standby@example.org", "Standby").key().secret();
  }

  @AfterEach
  void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  @Test
  void onAReadOnlyServerWritesAnswer503AndTheNodeIsNotReadyUntilItWritesAgainByItself() {
    start("");
    Api.Response kept = api.post(TOKENS, owner, "{\"description\":\"before\"}");
    assertThat(kept.status()).isEqualTo(201);
    String keptSecret = kept.json().get("token").asText();
    String keptId = kept.json().at("/api_token/id").asText();
    assertThat(api.get("/readyz", null).status()).isEqualTo(200);

    failOverToAReadOnlyServer();

    Api.Response notReady = eventually(() -> api.get("/readyz", null), r -> r.status() == 503);
    assertUnavailable(notReady);
    assertUnavailable(api.post(TOKENS, owner, "{}"));
    assertUnavailable(api.delete(TOKENS + "/" + keptId, owner));
    assertUnavailable(api.patch(USER, owner, "{\"name\":\"Renamed\"}"));
    // Reads need no primary: the key made before still authenticates and is listed.
    assertThat(api.get(USER, keptSecret).status()).isEqualTo(200);
    Api.Response listed = api.get(TOKENS, owner);
    assertThat(listed.status()).isEqualTo(200);
    assertThat(listed.body()).contains(keptId);

    promote();

    // Pooled sessions keep their read-only start: the node must drop them by itself.
    Api.Response written = eventually(() -> api.post(TOKENS, owner, "{}"), r -> r.status() != 503);
    assertThat(written.status()).as(written.body()).isEqualTo(201);
    assertThat(eventually(() -> api.get("/readyz", null), r -> r.status() == 200).status())
        .isEqualTo(200);
    assertThat(api.delete(TOKENS + "/" + keptId, owner).status()).isEqualTo(204);
    assertThat(api.get(USER, keptSecret).status()).isEqualTo(401);
  }

  @Test
  void withTargetServerTypePrimaryAReadOnlyServerIsNeverUsedAndThePrimaryIsFoundAgain() {
    start("targetServerType=primary");
    assertThat(api.get("/readyz", null).status()).isEqualTo(200);

    failOverToAReadOnlyServer();

    assertUnavailable(eventually(() -> api.get("/readyz", null), r -> r.status() == 503));
    assertUnavailable(api.post(TOKENS, owner, "{}"));
    // No connection at all: reads that need the database answer 503 too.
    assertUnavailable(api.get(TOKENS, owner));

    promote();

    Api.Response written = eventually(() -> api.post(TOKENS, owner, "{}"), r -> r.status() != 503);
    assertThat(written.status()).as(written.body()).isEqualTo(201);
    assertThat(eventually(() -> api.get("/readyz", null), r -> r.status() == 200).status())
        .isEqualTo(200);
  }

  /** New sessions start read-only, and the ones the node holds are cut, as a failover does. */
  private void failOverToAReadOnlyServer() {
    Backend.executeOnSharedDatabase(
        "ALTER DATABASE " + name + " SET default_transaction_read_only = on");
    Backend.executeOnSharedDatabase(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
  }

  /**
   * The database accepts writes again. Sessions the node opened meanwhile are not cut: they stay
   * read-only, as connections to a standby that was not promoted would.
   */
  private void promote() {
    Backend.executeOnSharedDatabase(
        "ALTER DATABASE " + name + " RESET default_transaction_read_only");
  }

  private static void assertUnavailable(Api.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(503);
    assertThat(r.code()).isEqualTo("service_unavailable");
    assertThat(r.header("Retry-After")).isNotNull();
  }

  /** Asks until the answer matches, for at most {@link #GUARD}; returns the last answer. */
  private static Api.Response eventually(Supplier<Api.Response> ask, Predicate<Api.Response> done) {
    long deadline = System.nanoTime() + GUARD.toNanos();
    Api.Response r = ask.get();
    while (!done.test(r) && System.nanoTime() < deadline) {
      sleep(Database.READINESS_REUSE.dividedBy(5));
      r = ask.get();
    }
    return r;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
