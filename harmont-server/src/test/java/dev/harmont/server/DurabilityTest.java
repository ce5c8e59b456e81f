package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.admin.Admin;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.ServerProcess;
import dev.harmont.server.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 201 means the key is on disk and a 204 means its revocation is: both survive a kill -9 of the
 * server right after. Checked with the default limits from one address, the hundreds of revoked
 * keys first, so the surviving keys must still be served after all those failures.
 */
class DurabilityTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final int REVOKED = 200;
  private static final int KEPT = 50;

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void keysAcknowledgedWith201AndRevocationsWith204SurviveKill9(Backend backend) throws Exception {
    try (TestDatabase database = backend.create()) {
      String adminKey;
      try (Admin admin = Admin.open(database.settings())) {
        adminKey = admin.createUser("durable@example.org", "Durable").key().secret();
      }
      List<String> revoked = new ArrayList<>();
      List<String> kept = new ArrayList<>();
      try (ServerProcess first = ServerProcess.start(database)) {
        Api api = new Api(first.baseUri());
        for (int i = 0; i < REVOKED + KEPT; i++) {
          Api.Response created = api.post(TOKENS, adminKey, "{}");
          assertThat(created.status()).isEqualTo(201);
          String secret = created.json().get("token").asText();
          if (i < REVOKED) {
            String id = created.json().at("/api_token/id").asText();
            assertThat(api.delete(TOKENS + "/" + id, adminKey).status()).isEqualTo(204);
            revoked.add(secret);
          } else {
            kept.add(secret);
          }
        }
      } // SIGKILL right after the last answer: no shutdown hook, no checkpoint

      try (ServerProcess second = ServerProcess.start(database)) {
        Api api = new Api(second.baseUri());
        kept.add(adminKey);
        ServerProcess.assertRefusedThenLiveStillServed(api, revoked, kept);
        assertThat(api.get(TOKENS, adminKey).json().get("api_tokens")).hasSize(KEPT + 1);
      }
    }
  }
}
