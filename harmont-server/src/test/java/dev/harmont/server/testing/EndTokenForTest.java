package dev.harmont.server.testing;

import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;

/**
 * Ends one token from a child process, as an operator's command would while a server runs on the
 * same embedded database: {@code EndTokenForTest DATA_DIR TOKEN_ID}. Goes through the same store
 * method as logout. Exits 0 when it deleted the token, 3 when there was none.
 */
public final class EndTokenForTest {
  private EndTokenForTest() {}

  public static void main(String[] args) throws SQLException {
    Path dataDir = Path.of(args[0]);
    UUID tokenId = UUID.fromString(args[1]);
    UUID userId = ownerOf(dataDir, tokenId);
    if (userId == null) {
      System.exit(3);
    }
    try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
      SecurityEvent event =
          new SecurityEvent(
              UUID.randomUUID(),
              userId,
              SecurityEventType.API_TOKEN_REVOKED,
              Instant.now(),
              null,
              "EndTokenForTest",
              null,
              tokenId);
      boolean deleted = db.tokens().delete(tokenId, event);
      System.exit(deleted ? 0 : 3);
    }
  }

  private static UUID ownerOf(Path dataDir, UUID tokenId) throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("harmont.db"));
        PreparedStatement ps = c.prepareStatement("SELECT user_id FROM api_tokens WHERE id = ?")) {
      ps.setString(1, tokenId.toString());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? UUID.fromString(rs.getString(1)) : null;
      }
    }
  }
}
