package dev.harmont.server.store;

import java.util.Locale;

/**
 * SQLite's {@code synchronous} pragma for the embedded database (PostgreSQL ignores it).
 *
 * <ul>
 *   <li>{@link #FULL}: a write is answered only after the write-ahead log holding it is fsynced, so
 *       a 201 survives a power loss or an OS crash. The fsync is the {@link SqliteWriter}'s, one
 *       for all the writes committed since the previous one, rather than SQLite's own inside every
 *       commit; the guarantee is the same.
 *   <li>{@link #NORMAL}: nothing waits for the disk; in WAL mode the log is fsynced at checkpoints
 *       only. A write survives the process being killed (even {@code kill -9}), but the last writes
 *       before an OS crash or a power loss may be lost; the database is never corrupted.
 * </ul>
 */
public enum SqliteSynchronous {
  FULL,
  NORMAL;

  /** Parses {@code full} or {@code normal}, in any case. */
  public static SqliteSynchronous parse(String value) {
    try {
      return valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SQLite synchronous must be FULL or NORMAL, not `" + value + "`", e);
    }
  }
}
