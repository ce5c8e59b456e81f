package dev.harmont.server.store;

import java.util.Locale;

/**
 * SQLite's {@code synchronous} pragma for the embedded database (PostgreSQL ignores it).
 *
 * <ul>
 *   <li>{@link #FULL}: every commit is fsynced before it returns, so a 201 survives a power loss or
 *       an OS crash. One fsync per write caps writes at the disk's fsync rate.
 *   <li>{@link #NORMAL}: in WAL mode commits are fsynced at checkpoints only. A commit survives the
 *       process being killed (even {@code kill -9}), but the last commits before an OS crash or a
 *       power loss may be lost; the database is never corrupted.
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
