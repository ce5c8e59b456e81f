package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * UUID version 7 ids (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered ids
 * keep the primary-key index append-mostly and make "newest first" stable for keys created in the
 * same microsecond.
 */
public final class Ids {
  private final SecureRandom random;
  private long lastMillis = -1;
  private int counter;

  public Ids(SecureRandom random) {
    this.random = random;
  }

  /**
   * The next id. Within one process ids strictly increase, even for the same millisecond or a clock
   * that stands still: the 12 bits after the timestamp are a counter (RFC 9562, method 1) started
   * at a random value each new millisecond.
   */
  public synchronized UUID next(Instant now) {
    long millis = Math.max(now.toEpochMilli(), lastMillis);
    if (millis == lastMillis) {
      counter++;
      if (counter >= 1 << 12) {
        millis++;
        counter = random.nextInt(1 << 11);
      }
    } else {
      counter = random.nextInt(1 << 11);
    }
    lastMillis = millis;
    long msb = (millis << 16) | (0x7L << 12) | counter;
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** Parses a canonical UUID, or returns null for anything else (ids from URLs are untrusted). */
  public static UUID parseOrNull(String text) {
    if (text == null || text.length() != 36) {
      return null;
    }
    for (int i = 0; i < 36; i++) {
      char c = text.charAt(i);
      boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? c != '-' : Character.digit(c, 16) < 0) {
        return null;
      }
    }
    return UUID.fromString(text);
  }
}
