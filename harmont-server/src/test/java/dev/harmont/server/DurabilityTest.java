package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.admin.Admin;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.testing.Api;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 201 means the key is on disk: it survives a kill -9 of the server right after. */
class DurabilityTest {
  @TempDir Path dataDir;

  @Test
  void keysAcknowledgedWith201SurviveKill9() throws Exception {
    String adminKey;
    try (Admin admin = Admin.open(DatabaseSettings.embedded(dataDir))) {
      CreatedUser user = admin.createUser("durable@example.org", "Durable");
      adminKey = user.key().secret();
    }
    List<String> acknowledged = new ArrayList<>();
    Process first = startServerProcess();
    try {
      Api api = new Api(java.net.URI.create("http://127.0.0.1:" + portOf(first)));
      for (int i = 0; i < 20; i++) {
        Api.Response created = api.post("/api/v0/user/api-tokens", adminKey, "{}");
        assertThat(created.status()).isEqualTo(201);
        acknowledged.add(created.json().get("token").asText());
      }
    } finally {
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no checkpoint
      first.waitFor(10, TimeUnit.SECONDS);
    }

    Process second = startServerProcess();
    try {
      Api api = new Api(java.net.URI.create("http://127.0.0.1:" + portOf(second)));
      for (String key : acknowledged) {
        assertThat(api.get("/api/v0/user", key).status()).isEqualTo(200);
      }
    } finally {
      second.destroyForcibly();
      second.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process startServerProcess() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder =
        new ProcessBuilder(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.harmont.server.testing.ServeForTest",
                dataDir.toString())
            .redirectErrorStream(false)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    assertThat(Files.isDirectory(dataDir)).isTrue();
    return builder.start();
  }

  /** The child prints its port as its first line of stdout once it serves. */
  private static int portOf(Process process) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("server process port line").isNotNull();
    return Integer.parseInt(line.strip());
  }
}
