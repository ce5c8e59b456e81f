package dev.harmont.server.testing;

import dev.harmont.server.store.DatabaseSettings;

/** A fresh database for one test; {@link #close()} removes it. */
public final class TestDatabase implements AutoCloseable {
  private final DatabaseSettings settings;
  private final Runnable drop;

  TestDatabase(DatabaseSettings settings, Runnable drop) {
    this.settings = settings;
    this.drop = drop;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  @Override
  public void close() {
    drop.run();
  }
}
