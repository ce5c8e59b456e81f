package dev.harmont.server.testing;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.store.DatabaseSettings;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The real server for tests: a fresh database (temporary SQLite by default), on 127.0.0.1 and a
 * free port. Shared by the server, SDK and CLI test suites through the test-jar.
 */
public final class TestServer implements AutoCloseable {
  private static final AtomicInteger USERS = new AtomicInteger();

  private final HarmontServer server;
  private final TestDatabase database;

  private TestServer(HarmontServer server, TestDatabase database) {
    this.server = server;
    this.database = database;
  }

  /** A server on a fresh embedded database with the system clock. */
  public static TestServer start() {
    return start(Backend.SQLITE, config -> config);
  }

  /** A server on a fresh embedded database with the given clock. */
  public static TestServer start(Clock clock) {
    return start(Backend.SQLITE, config -> config.clock(clock));
  }

  /**
   * A server on a fresh database of {@code backend}, its configuration adjusted by {@code adjust}.
   */
  public static TestServer start(Backend backend, UnaryOperator<ServerConfig.Builder> adjust) {
    TestDatabase database = backend.create();
    try {
      ServerConfig config =
          adjust.apply(ServerConfig.builder().port(0).database(database.settings())).build();
      return new TestServer(HarmontServer.start(config), database);
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
  }

  public URI baseUri() {
    return server.baseUri();
  }

  public HarmontServer server() {
    return server;
  }

  /** Where this server's data lives (for tests that read the database directly). */
  public DatabaseSettings databaseSettings() {
    return database.settings();
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
        .issueSessionToken(user.email(), AccountSettings.DEFAULT_SESSION_TTL)
        .secret();
  }

  /** The code of a one-time sign-in link for the user (what follows {@code #code=}). */
  public String issueSignInLink(TestUser user) {
    return server.signInLinks().issue(user.email()).code();
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      database.close();
    }
  }
}
