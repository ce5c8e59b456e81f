package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On the embedded SQLite database nothing tells the server about a change made by another process
 * (an operator's command on the same file): a key it ended is refused once the server's cached
 * entry is one short TTL old, and not one request later.
 */
class ChangesFromAnotherProcessTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  private MutableClock clock;
  private TestServer server;
  private Api api;

  @BeforeEach
  void start() {
    clock = MutableClock.startingNow();
    server = TestServer.start(clock);
    api = new Api(server.baseUri());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aKeyEndedByAnotherProcessIsRefusedWithinTheShortTtl() throws Exception {
    TestUser user = server.newUser();
    String key = server.issueKey(user);
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(200);
    String id = null;
    for (JsonNode token : api.get(TOKENS, user.token()).json().get("api_tokens")) {
      if (token.get("description").asText().equals("test key")) {
        id = token.get("id").asText();
      }
    }
    Duration ttl = AuthCacheSettings.DEFAULTS.ttl();

    assertThat(endInAnotherProcess(server.databaseSettings().dataDir(), id)).isZero();
    Api.Response withinTtl = api.get("/api/v0/user", key);
    clock.advance(ttl.minusMillis(1));
    Api.Response justBefore = api.get("/api/v0/user", key);
    clock.advance(Duration.ofMillis(1));
    Api.Response afterTtl = api.get("/api/v0/user", key);

    assertThat(withinTtl.status()).as("nothing tells this server").isEqualTo(200);
    assertThat(justBefore.status()).isEqualTo(200);
    assertThat(afterTtl.status()).isEqualTo(401);
    assertThat(api.get(TOKENS, user.token()).json().get("api_tokens")).hasSize(1);
  }

  private static int endInAnotherProcess(Path dataDir, String tokenId) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.harmont.server.testing.EndTokenForTest",
                dataDir.toString(),
                tokenId)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the other process ended").isTrue();
    return child.exitValue();
  }
}
