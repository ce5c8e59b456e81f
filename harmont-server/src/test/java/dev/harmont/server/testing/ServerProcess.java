package dev.harmont.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ServerConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server in a child process ({@link ServeForTest}) with the default limits, for the tests that
 * kill it with SIGKILL, and the check they share after the restart.
 */
public final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final URI baseUri;

  private ServerProcess(Process process, URI baseUri) {
    this.process = process;
    this.baseUri = baseUri;
  }

  /** Starts a server on {@code database} and waits until it serves. */
  public static ServerProcess start(TestDatabase database) throws Exception {
    return start(database, List.of());
  }

  /**
   * Starts a server on {@code database} with more of {@link ServeForTest}'s arguments ({@code
   * --smtp-url=…}, {@code --secret-key-file=…}) and waits until it serves.
   */
  public static ServerProcess start(TestDatabase database, List<String> more) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.harmont.server.testing.ServeForTest",
                database.settings().dataDir().toString()));
    if (database.settings().url() != null) {
      command.add("--url=" + database.settings().url());
    }
    command.addAll(more);
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    // The child prints its port as its first line of stdout once it serves.
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("server process port line").isNotNull();
    return new ServerProcess(process, URI.create("http://127.0.0.1:" + line.strip()));
  }

  public URI baseUri() {
    return baseUri;
  }

  /** SIGKILL: no shutdown hook, no checkpoint. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    kill();
  }

  /**
   * Every secret in {@code refused} is refused, all from this one address with the default limits:
   * 401 up to the failure limit, 429 {@code rate_limited} with {@code Retry-After} after it. Then
   * every secret in {@code live}, from the same address, still authenticates: one address's
   * failures never lock out a valid key.
   */
  public static void assertRefusedThenLiveStillServed(
      Api api, List<String> refused, List<String> live) {
    int limit = ServerConfig.DEFAULT_AUTH_FAILURE_LIMIT;
    for (int i = 0; i < refused.size(); i++) {
      Api.Response response = api.get("/api/v0/user", refused.get(i));
      if (i < limit) {
        assertThat(response.status()).as("refused key %s", i).isEqualTo(401);
      } else {
        assertThat(response.status()).as("refused key %s, past the limit", i).isEqualTo(429);
        assertThat(response.code()).isEqualTo("rate_limited");
        assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
      }
    }
    for (String secret : live) {
      assertThat(api.get("/api/v0/user", secret).status()).as("live key").isEqualTo(200);
    }
  }
}
