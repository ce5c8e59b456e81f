package dev.harmont.cloud.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.cloud.HarmontClient;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's example runs against the real server, and the README shows it verbatim. */
class QuickStartTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/harmont/cloud/example/QuickStart.java");

  @Test
  void theQuickStartRunsAgainstTheRealServer() {
    try (TestServer server = TestServer.start()) {
      TestUser user = server.newUser();
      HarmontClient client =
          HarmontClient.builder().baseUrl(server.baseUri()).token(user.token()).build();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      QuickStart.run(client, new PrintStream(bytes, true, StandardCharsets.UTF_8));

      String out = bytes.toString(StandardCharsets.UTF_8);
      assertThat(out)
          .contains("Signed in as " + user.email())
          .contains("The new key works for " + user.email())
          .contains("\"CI deploy key\" expires 20")
          .contains("Already revoked: api_token_not_found")
          .doesNotContain("hm_");
    }
  }

  @Test
  void theReadmeShowsTheQuickStartVerbatim() throws IOException {
    String source = Files.readString(SOURCE);
    String readme = Files.readString(Path.of("README.md"));

    assertThat(readme).contains("```java\n" + source + "```\n");
  }
}
