package dev.harmont.server.store;

import dev.harmont.server.account.AuthCacheInvalidations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The one place where a write tells every node's authentication cache what it changed. On
 * PostgreSQL it is {@code pg_notify} on this schema's channel, called inside the write's own
 * transaction, so the notice goes out when, and only if, the change commits; every node's {@link
 * ChangeListener} hears it and forgets those entries. On SQLite there is one node and nothing to
 * send (the service forgets locally; other processes' changes show within the short TTL).
 *
 * <p>Every store method that ends a credential (deletes a token, shortens its expiry) or changes
 * what a cached entry shows (the user's name) calls {@link #tokensEnded} or {@link #userChanged}
 * once, on the transaction's connection, before it returns.
 *
 * <p>Payloads: {@code t HASH HASH…} (SHA-256 hex of the secrets, the cache's key; at most {@link
 * #MAX_HASHES}, 6.5 kB, under PostgreSQL's 8000-byte limit) or {@code u USER_ID} (every entry of
 * that user). A node that reads a payload it does not understand (a newer version's) forgets
 * everything, which is always safe.
 */
final class ChangeNotices {
  /** Beyond this many hashes, the notice names the user instead: 2 + 65 × 100 bytes. */
  static final int MAX_HASHES = 100;

  // PostgreSQL truncates identifiers, channel names included, to 63 bytes.
  private static final int MAX_CHANNEL_BYTES = 63;
  private static final String CHANNEL_PREFIX = "harmont_auth:";

  // Null on SQLite: nothing is sent.
  private final String channel;

  private ChangeNotices(String channel) {
    this.channel = channel;
  }

  static ChangeNotices none() {
    return new ChangeNotices(null);
  }

  /**
   * Notices on the channel of {@code schema}: nodes of another Harmont in another schema of the
   * same database neither hear nor disturb these.
   */
  static ChangeNotices forSchema(String schema) {
    String name = CHANNEL_PREFIX + schema;
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_CHANNEL_BYTES) {
      name = CHANNEL_PREFIX + sha256Hex(schema).substring(0, 40);
    }
    return new ChangeNotices(name);
  }

  /** The channel's name, null when nothing is sent. */
  String channel() {
    return channel;
  }

  /**
   * Tokens of {@code userId} stopped authenticating in this transaction (revoked, logged out,
   * deleted, expiry shortened). Many at once name the user instead.
   */
  void tokensEnded(Connection c, UUID userId, Collection<String> tokenHashes) throws SQLException {
    if (channel == null || tokenHashes.isEmpty()) {
      return;
    }
    if (tokenHashes.size() > MAX_HASHES) {
      userChanged(c, userId);
      return;
    }
    send(c, "t " + String.join(" ", tokenHashes));
  }

  /** What is cached about {@code userId} (their name, or all their tokens) changed. */
  void userChanged(Connection c, UUID userId) throws SQLException {
    if (channel == null) {
      return;
    }
    send(c, "u " + userId);
  }

  private void send(Connection c, String payload) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      ps.setString(1, channel);
      ps.setString(2, payload);
      ps.executeQuery().close();
    }
  }

  /** Passes one payload on to the cache. */
  static void deliver(String payload, AuthCacheInvalidations cache) {
    if (payload != null && payload.length() > 2 && payload.charAt(1) == ' ') {
      List<String> words = Arrays.asList(payload.substring(2).split(" "));
      try {
        switch (payload.charAt(0)) {
          case 't' -> {
            cache.forgetTokens(words);
            return;
          }
          case 'u' -> {
            cache.forgetUsers(words.stream().map(UUID::fromString).toList());
            return;
          }
          default -> {
            // Not ours to understand: forget everything below.
          }
        }
      } catch (IllegalArgumentException e) {
        // A malformed id: forget everything below.
      }
    }
    cache.forgetAll();
  }

  private static String sha256Hex(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
