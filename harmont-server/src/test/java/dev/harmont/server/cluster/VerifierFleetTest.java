package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ApiMode;
import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A verifier node ({@code --api verify}) beside a full node over one PostgreSQL: it answers
 * forward-auth for keys made through the full node, and a key revoked there is refused by the
 * verifier as soon as its listener hears of it, with the clock standing still (so never through its
 * cache entry expiring).
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class VerifierFleetTest {
  private static final String VERIFY = "/api/v0/auth/verify";

  private final MutableClock clock = MutableClock.startingNow();
  private TestDatabase database;
  private HarmontServer full;
  private HarmontServer verifier;

  @BeforeEach
  void start() {
    database = Backend.POSTGRESQL.create();
    ServerConfig config =
        ServerConfig.builder().port(0).database(database.settings()).clock(clock).build();
    full = HarmontServer.start(config);
    verifier = HarmontServer.start(config.toBuilder().api(ApiMode.VERIFY).build());
  }

  @AfterEach
  void stop() {
    try {
      if (verifier != null) {
        verifier.close();
      }
      if (full != null) {
        full.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }

  @Test
  void aKeyRevokedThroughTheFullNodeIsRefusedByTheVerifierWhenItHearsOfIt() {
    String owner = full.accounts().createUser("fleet@example.org", "Fleet").key().secret();
    Api a = new Api(full.baseUri());
    Api v = new Api(verifier.baseUri());
    Api.Response created = a.post("/api/v0/user/api-tokens", owner, "{}");
    String secret = created.json().get("token").asText();
    String id = created.json().at("/api_token/id").asText();
    Api.Response before = v.get(VERIFY, secret); // now in the verifier's cache
    assertThat(before.status()).isEqualTo(200);
    assertThat(before.header("X-Harmont-Token-Id")).isEqualTo(id);

    assertThat(a.delete("/api/v0/user/api-tokens/" + id, owner).status()).isEqualTo(204);
    // How soon is a benchmark (bench/push-invalidation-postgres.sh); the deadline only ends the
    // wait, generously, so that a busy machine cannot fail it.
    Api.Response after = v.get(VERIFY, secret);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (after.status() == 200 && System.nanoTime() < deadline) {
      after = v.get(VERIFY, secret);
    }

    assertThat(after.status()).isEqualTo(401);
    assertThat(after.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
    assertThat(v.get(VERIFY, owner).status()).isEqualTo(200);
  }
}
