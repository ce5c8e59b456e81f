package dev.harmont.server.store;

/**
 * The database was migrated by a newer build than this one (a downgrade); this build refuses to run
 * on it. The message says what to do.
 */
public final class SchemaTooNewException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  SchemaTooNewException(String message) {
    super(message);
  }
}
