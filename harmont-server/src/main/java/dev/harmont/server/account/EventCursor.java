package dev.harmont.server.account;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

/**
 * A position in a security log, newest first: the next page starts strictly after (older than) this
 * event. Opaque to clients (base64url of {@code <epoch micros>.<event id>}); it names a position,
 * not an event, so a cursor still works after its event was deleted, and reveals nothing another
 * user could use (the list is always filtered by the caller).
 */
public record EventCursor(Instant createdAt, UUID id) {
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
  // Any real cursor is far shorter; longer input is refused before decoding.
  private static final int MAX_LENGTH = 100;

  static EventCursor after(SecurityEvent event) {
    return new EventCursor(event.createdAt(), event.id());
  }

  public String encode() {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt);
    return ENCODER.encodeToString((micros + "." + id).getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * @throws HarmontException {@link ErrorCode#EVENTS_CURSOR_INVALID} for anything this class did
   *     not encode
   */
  public static EventCursor decode(String text) {
    try {
      if (text.isEmpty() || text.length() > MAX_LENGTH) {
        throw new IllegalArgumentException("length");
      }
      String plain = new String(DECODER.decode(text), StandardCharsets.US_ASCII);
      int dot = plain.indexOf('.');
      UUID id = Ids.parseOrNull(plain.substring(dot + 1));
      if (dot <= 0 || id == null || !plain.substring(0, dot).matches("-?[0-9]{1,19}")) {
        throw new IllegalArgumentException("shape");
      }
      Instant at = Instant.EPOCH.plus(Long.parseLong(plain.substring(0, dot)), ChronoUnit.MICROS);
      return new EventCursor(at, id);
    } catch (RuntimeException e) {
      throw new HarmontException(ErrorCode.EVENTS_CURSOR_INVALID);
    }
  }
}
