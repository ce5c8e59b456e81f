package dev.harmont.server.testing;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.store.DatabaseSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The real server for tests: a fresh temporary SQLite database (or the given settings), on
 * 127.0.0.1 and a free port. Shared by the server, SDK and CLI test suites through the test-jar.
 */
public final class TestServer implements AutoCloseable {
  private static final AtomicInteger USERS = new AtomicInteger();

  private final HarmontServer server;
  private final Path tempDir;

  private TestServer(HarmontServer server, Path tempDir) {
    this.server = server;
    this.tempDir = tempDir;
  }

  /** A server on a fresh embedded database with the system clock. */
  public static TestServer start() {
    return start(Clock.systemUTC());
  }

  /** A server on a fresh embedded database with the given clock. */
  public static TestServer start(Clock clock) {
    return start(config -> config.withClock(clock));
  }

  /** A server on a fresh embedded database, its configuration adjusted by {@code adjust}. */
  public static TestServer start(UnaryOperator<ServerConfig> adjust) {
    Path dir;
    try {
      dir = Files.createTempDirectory("harmont-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ServerConfig config =
        adjust.apply(
            ServerConfig.embedded(dir).withPort(0).withDatabase(DatabaseSettings.embedded(dir)));
    return new TestServer(HarmontServer.start(config), dir);
  }

  public URI baseUri() {
    return server.baseUri();
  }

  public HarmontServer server() {
    return server;
  }

  /** Creates a user with a personal organization and one personal API key. */
  public TestUser newUser() {
    int n = USERS.incrementAndGet();
    long salt = System.nanoTime() % 1_000_000;
    return newUser("user" + n + "." + salt + "@example.org", "Test User " + n);
  }

  public TestUser newUser(String email, String name) {
    CreatedUser created = server.accounts().createUser(email, name);
    return new TestUser(
        created.user().id(), created.user().email(), created.user().name(), created.key().secret());
  }

  /** Another personal API key for the user. */
  public String issueKey(TestUser user) {
    return server.accounts().issueApiToken(user.email(), "test key", null).secret();
  }

  /** A session token for the user; it is never listed among the API keys. */
  public String issueSessionToken(TestUser user) {
    return server
        .accounts()
        .issueSessionToken(
            user.email(), dev.harmont.server.account.AccountService.DEFAULT_SESSION_TTL)
        .secret();
  }

  @Override
  public void close() {
    server.close();
    if (tempDir != null) {
      try (Stream<Path> paths = Files.walk(tempDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
