package dev.harmont.server.http;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base of the real-HTTP suites: one server per class and backend, on a fresh database of its own,
 * with a clock the tests can move and a client that checks every response against the served
 * OpenAPI document. Starting a server and migrating its database costs more than most tests, so the
 * tests of a class share it; each keeps to its own users ({@link #newUser()} makes unique ones).
 *
 * <p>Besides their rows, the tests share what the server remembers for a while: refused credentials
 * per client address (every test comes from 127.0.0.1, and past the limit its refused credentials
 * are answered 429), cached tokens and misses, the last-used throttle, the lifetimes of sign-in
 * links and CLI grants. All of it is measured on the server's clock, so each test starts {@link
 * #BETWEEN_TESTS} after the previous one ended: whatever an earlier test left there is over, and
 * the clock never goes backwards for the server. A test that needs other settings, or a database
 * nobody else has written to, gets a server of its own for that test only ({@link #restartWith},
 * {@link #startOwnServer()}); the class's server is back for the next test.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one instance per backend: it holds the server
abstract class ServerSuite {
  /**
   * Longer than every window the server keeps across requests: the failed-authentication window (1
   * minute by default), the last-used throttle (1 minute), the cache TTLs (1 s, 60 s, misses 5 s),
   * sign-in links (15 minutes) and CLI grants (5 minutes). Far under the security log's 90 days,
   * which a class of a few hundred tests never reaches.
   */
  static final Duration BETWEEN_TESTS = Duration.ofHours(1);

  @Parameter Backend backend;

  final MutableClock clock = MutableClock.startingNow();
  private TestServer classServer;
  private Api classApi;

  TestServer server;
  Api api;

  @BeforeParameterizedClassInvocation
  void startClassServer() {
    classServer = TestServer.start(backend, config -> classSettings(config.clock(clock)));
    classApi = new Api(classServer.baseUri());
  }

  /** The class server's settings beyond the defaults; a suite overrides it for its own. */
  ServerConfig.Builder classSettings(ServerConfig.Builder config) {
    return config;
  }

  @AfterParameterizedClassInvocation
  void stopClassServer() {
    if (classServer != null) {
      classServer.close();
    }
  }

  @BeforeEach
  void useClassServer() {
    clock.advance(BETWEEN_TESTS);
    server = classServer;
    api = classApi;
  }

  @AfterEach
  void stopOwnServer() {
    if (server != classServer) {
      server.close();
    }
    server = classServer;
    api = classApi;
  }

  /**
   * Gives this test a server of its own, on a fresh database, whose configuration is adjusted (same
   * clock); the class's server is back for the next test.
   */
  void restartWith(UnaryOperator<ServerConfig.Builder> adjust) {
    stopOwnServer();
    server = TestServer.start(backend, config -> adjust.apply(config.clock(clock)));
    api = new Api(server.baseUri());
  }

  /** Gives this test a server of its own with the default settings, on a fresh database. */
  void startOwnServer() {
    restartWith(UnaryOperator.identity());
  }

  TestUser newUser() {
    return server.newUser();
  }
}
