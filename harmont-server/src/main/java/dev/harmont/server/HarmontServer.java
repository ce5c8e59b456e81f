package dev.harmont.server;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.http.HttpApi;
import dev.harmont.server.store.Database;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running service: database opened and migrated, HTTP listener started. {@link #close()} stops
 * accepting, lets in-flight requests finish, then closes the database.
 */
public final class HarmontServer implements AutoCloseable {
  private static final Duration DRAIN_PERIOD = Duration.ofSeconds(10);

  private final Database database;
  private final AccountService accounts;
  private final WebServer web;
  private final URI baseUri;

  private final ExecutorService background;

  private HarmontServer(
      Database database,
      AccountService accounts,
      WebServer web,
      URI baseUri,
      ExecutorService background) {
    this.background = background;
    this.database = database;
    this.accounts = accounts;
    this.web = web;
    this.baseUri = baseUri;
  }

  /**
   * Starts the slow part of {@link #start} that needs no settings on a background thread, so it
   * overlaps with what the caller does first (parsing the command line): loading SQLite's native
   * library (~0.2 s, mostly extracting it to a temporary file), measured ~0.15 s off a cold start
   * (bench/RESULTS.md). Optional; {@link #start} does whatever is not done yet.
   */
  public static void prepare() {
    Database.prepare();
  }

  /** Opens the database, applies migrations and starts listening. */
  public static HarmontServer start(ServerConfig config) {
    Database database = Database.open(config.database());
    ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    try {
      AccountService accounts =
          new AccountService(
              database.users(),
              database.tokens(),
              config.clock(),
              new SecureRandom(),
              config.limits().account(),
              config.authCache(),
              background);
      AtomicReference<String> docBase = new AtomicReference<>(config.publicUrl());
      HttpApi api = new HttpApi(accounts, config, docBase::get, database::isReady);
      Http1Config http1 =
          Http1Config.builder()
              .maxHeadersSize(Math.max(4 * config.limits().maxHeaderBytes(), 64 * 1024))
              .maxPrologueLength(8192)
              .build();
      WebServer web =
          WebServer.builder()
              .host(config.host())
              .port(config.port())
              .shutdownHook(false)
              .shutdownGracePeriod(DRAIN_PERIOD)
              // The body limit is enforced while reading (Bodies). Helidon's own limit is the
              // drain cap: a refused or ignored body up to this size is read and discarded, so the
              // connection stays usable and no byte of it is parsed as a next request; past it
              // the connection is closed.
              .maxPayloadSize(drainCap(config.limits().maxBodyBytes()))
              .addProtocol(http1)
              .addConnectionSelector(HttpApi.http1(http1))
              .directHandlers(api.directHandlers())
              .routing(api.routing())
              .build()
              .start();
      String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
      if (host.equals("0.0.0.0") || host.equals("[::]")) {
        host = "127.0.0.1";
      }
      URI base = URI.create("http://" + host + ":" + web.port());
      docBase.compareAndSet(null, base.toString());
      return new HarmontServer(database, accounts, web, base, background);
    } catch (RuntimeException e) {
      background.shutdownNow();
      database.close();
      throw e;
    }
  }

  private static long drainCap(int maxBodyBytes) {
    return Math.max(16L * maxBodyBytes, 1024 * 1024);
  }

  public int port() {
    return web.port();
  }

  public URI baseUri() {
    return baseUri;
  }

  public AccountService accounts() {
    return accounts;
  }

  public Database database() {
    return database;
  }

  @Override
  public void close() {
    try {
      web.stop();
      // Let pending last-used writes finish before the pools go.
      background.shutdown();
      background.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      database.close();
    }
  }
}
