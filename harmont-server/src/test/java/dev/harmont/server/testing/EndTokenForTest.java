package dev.harmont.server.testing;

import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import java.nio.file.Path;
import java.util.UUID;

/**
 * Ends one token from a child process, as an operator's command would while a server runs on the
 * same embedded database: {@code EndTokenForTest DATA_DIR TOKEN_ID}. Goes through the same store
 * method as logout. Exits 0 when it deleted the token, 3 when there was none.
 */
public final class EndTokenForTest {
  private EndTokenForTest() {}

  public static void main(String[] args) {
    try (Database db = Database.open(DatabaseSettings.embedded(Path.of(args[0])))) {
      boolean deleted = db.tokens().delete(UUID.fromString(args[1]));
      System.exit(deleted ? 0 : 3);
    }
  }
}
