package dev.harmont.server;

import dev.harmont.server.account.AuthCacheSettings;
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
 * @param authCache how long validated tokens are served from memory (also the bound on how long
 *     another node may still accept a key revoked here)
 * @param metricsAddress where {@code /metrics} (Prometheus) is served, on a listener of its own;
 *     null: metrics are off
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
    AuthCacheSettings authCache,
    ListenAddress metricsAddress,
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
        AuthCacheSettings.DEFAULTS,
        null,
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

  public ServerConfig withHost(String v) {
    return new ServerConfig(
        v,
        port,
        database,
        publicUrl,
        limits,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withPort(int v) {
    return new ServerConfig(
        host,
        v,
        database,
        publicUrl,
        limits,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withDatabase(DatabaseSettings v) {
    return new ServerConfig(
        host,
        port,
        v,
        publicUrl,
        limits,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withPublicUrl(String v) {
    return new ServerConfig(
        host,
        port,
        database,
        v,
        limits,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withLimits(Limits v) {
    return new ServerConfig(
        host,
        port,
        database,
        publicUrl,
        v,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withTrustedProxies(List<String> v) {
    return new ServerConfig(
        host, port, database, publicUrl, limits, v, corsOrigins, authCache, metricsAddress, clock);
  }

  public ServerConfig withCorsOrigins(List<String> v) {
    return new ServerConfig(
        host,
        port,
        database,
        publicUrl,
        limits,
        trustedProxies,
        v,
        authCache,
        metricsAddress,
        clock);
  }

  public ServerConfig withAuthCache(AuthCacheSettings v) {
    return new ServerConfig(
        host,
        port,
        database,
        publicUrl,
        limits,
        trustedProxies,
        corsOrigins,
        v,
        metricsAddress,
        clock);
  }

  public ServerConfig withMetricsAddress(ListenAddress v) {
    return new ServerConfig(
        host, port, database, publicUrl, limits, trustedProxies, corsOrigins, authCache, v, clock);
  }

  public ServerConfig withClock(Clock v) {
    return new ServerConfig(
        host,
        port,
        database,
        publicUrl,
        limits,
        trustedProxies,
        corsOrigins,
        authCache,
        metricsAddress,
        v);
  }
}
