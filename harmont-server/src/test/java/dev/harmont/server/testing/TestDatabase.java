package dev.harmont.server.testing;

import dev.harmont.server.store.DatabaseSettings;
import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A fresh database for one test; {@link #close()} removes it. */
public final class TestDatabase implements AutoCloseable {
  // jdbc:postgresql://host[:port]/rest: one host; IPv6 literals in brackets.
  private static final Pattern POSTGRES_URL =
      Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?\\[]+)(?::(\\d+))?(/.*)");

  private final DatabaseSettings settings;
  private final Runnable drop;

  TestDatabase(DatabaseSettings settings, Runnable drop) {
    this.settings = settings;
    this.drop = drop;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  /** Where the PostgreSQL server of this database listens (its URL's host and port). */
  public InetSocketAddress postgresAddress() {
    Matcher m = postgresUrl();
    String host = m.group(1).replace("[", "").replace("]", "");
    int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The same database reached at another address, e.g. through a {@link TcpProxy}. */
  public DatabaseSettings settingsVia(String host, int port) {
    Matcher m = postgresUrl();
    return new DatabaseSettings(
        settings.dataDir(),
        "jdbc:postgresql://" + host + ":" + port + m.group(3),
        settings.user(),
        settings.password(),
        settings.poolSize());
  }

  private Matcher postgresUrl() {
    Matcher m = POSTGRES_URL.matcher(settings.url() == null ? "" : settings.url());
    if (!m.matches()) {
      throw new IllegalStateException(
          "expected a single-host jdbc:postgresql://host:port/db URL, got " + settings.describe());
    }
    return m;
  }

  @Override
  public void close() {
    drop.run();
  }
}
