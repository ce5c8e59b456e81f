package dev.harmont.server.http;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base of the real-HTTP suites: each test gets its own server on a fresh database of every
 * configured backend, a clock it can move, and a client that checks every response against the
 * served OpenAPI document.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
abstract class ServerSuite {
  @Parameter Backend backend;

  MutableClock clock;
  TestServer server;
  Api api;

  @BeforeEach
  void startServer() {
    clock = MutableClock.startingNow();
    server = TestServer.start(backend, config -> config.clock(clock));
    api = new Api(server.baseUri());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** Replaces this test's server by one whose configuration is adjusted (same clock). */
  void restartWith(UnaryOperator<ServerConfig.Builder> adjust) {
    server.close();
    server = TestServer.start(backend, config -> adjust.apply(config.clock(clock)));
    api = new Api(server.baseUri());
  }

  TestUser newUser() {
    return server.newUser();
  }
}
