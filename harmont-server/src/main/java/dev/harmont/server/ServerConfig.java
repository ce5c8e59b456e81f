package dev.harmont.server;

import dev.harmont.server.store.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code harmont serve} can be told. Each setting has a flag in the CLI and a {@code
 * HARMONT_*} environment variable; see the README's configuration table.
 *
 * @param host interface to listen on
 * @param port TCP port, 0 for any free one
 * @param database where the data lives
 * @param publicUrl base URL clients reach this server at (for {@code doc_url}); null means {@code
 *     http://host:port}
 * @param limits every limit enforced, see {@link Limits}
 * @param trustedProxies addresses of reverse proxies whose {@code X-Forwarded-For} is believed (for
 *     the failed-authentication limit); empty: the peer address is the client
 * @param corsOrigins origins allowed to call the API from a browser; empty: CORS is off
 * @param clock time source (tests use a controllable one)
 */
public record ServerConfig(
    String host,
    int port,
    DatabaseSettings database,
    String publicUrl,
    Limits limits,
    List<String> trustedProxies,
    List<String> corsOrigins,
    Clock clock) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;

  public ServerConfig {
    trustedProxies = List.copyOf(trustedProxies);
    corsOrigins = List.copyOf(corsOrigins);
  }

  /** Defaults, with the embedded database in {@code dataDir}. */
  public static ServerConfig embedded(Path dataDir) {
    return new ServerConfig(
        DEFAULT_HOST,
        DEFAULT_PORT,
        DatabaseSettings.embedded(dataDir),
        null,
        Limits.DEFAULTS,
        List.of(),
        List.of(),
        Clock.systemUTC());
  }

  /**
   * The default data directory: {@code $HARMONT_DATA_DIR}, else {@code $XDG_DATA_HOME/harmont},
   * else {@code ~/.local/share/harmont}.
   */
  public static Path defaultDataDir(Map<String, String> env) {
    String explicit = env.get("HARMONT_DATA_DIR");
    if (explicit != null && !explicit.isBlank()) {
      return Path.of(explicit);
    }
    String xdg = env.get("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "harmont");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "harmont");
  }

  public ServerConfig withPort(int newPort) {
    return new ServerConfig(
        host, newPort, database, publicUrl, limits, trustedProxies, corsOrigins, clock);
  }

  public ServerConfig withHost(String newHost) {
    return new ServerConfig(
        newHost, port, database, publicUrl, limits, trustedProxies, corsOrigins, clock);
  }

  public ServerConfig withDatabase(DatabaseSettings newDatabase) {
    return new ServerConfig(
        host, port, newDatabase, publicUrl, limits, trustedProxies, corsOrigins, clock);
  }

  public ServerConfig withPublicUrl(String newPublicUrl) {
    return new ServerConfig(
        host, port, database, newPublicUrl, limits, trustedProxies, corsOrigins, clock);
  }

  public ServerConfig withLimits(Limits newLimits) {
    return new ServerConfig(
        host, port, database, publicUrl, newLimits, trustedProxies, corsOrigins, clock);
  }

  public ServerConfig withTrustedProxies(List<String> newTrustedProxies) {
    return new ServerConfig(
        host, port, database, publicUrl, limits, newTrustedProxies, corsOrigins, clock);
  }

  public ServerConfig withCorsOrigins(List<String> newCorsOrigins) {
    return new ServerConfig(
        host, port, database, publicUrl, limits, trustedProxies, newCorsOrigins, clock);
  }

  public ServerConfig withClock(Clock newClock) {
    return new ServerConfig(
        host, port, database, publicUrl, limits, trustedProxies, corsOrigins, newClock);
  }
}
