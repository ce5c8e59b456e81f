package dev.harmont.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.zip.CRC32;

/**
 * Mints bearer secrets, checks their shape and hashes them. Only the lowercase hex SHA-256 of the
 * whole secret (prefix included) is ever stored.
 *
 * <p>A personal API key is {@code hm_}, 43 base62 characters of randomness (alphabet {@code
 * 0-9A-Za-z} in that order, 43 × log2(62) ≈ 256.03 bits, drawn without bias by rejection sampling)
 * and a 6-character checksum: the CRC32 of those 43 ASCII characters written in the same alphabet,
 * most significant digit first, left-padded with {@code 0}. Secret scanners can match and verify it
 * offline (docs/secret-scanning.md), and a mistyped or truncated key is refused without a database
 * lookup. Keys minted before this format ({@code hm_} + 43 base64url characters, 32 random bytes)
 * keep working. Session tokens are 32 random bytes, base64url without padding, no prefix.
 */
public final class Secrets {
  public static final String PERSONAL_PREFIX = "hm_";

  /**
   * The prefix of a service credential's secret ({@link ServiceCredentials}): {@code hms_}, then
   * the same 43 random base62 characters and 6-character checksum as a personal key.
   */
  public static final String SERVICE_PREFIX = "hms_";

  /** The base62 alphabet of personal keys and their checksum, in digit order. */
  public static final String BASE62 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

  static final int RANDOM_CHARS = 43;
  static final int CHECKSUM_CHARS = 6;

  /** Length of a personal key in the current format: {@code hm_} + 49. */
  public static final int PERSONAL_LENGTH =
      PERSONAL_PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;

  /** Characters of a key shown as its hint (never enough to guess it: 4 of 49). */
  public static final int HINT_CHARS = 4;

  // 248 = 4 × 62: bytes below it map onto the alphabet uniformly (b % 62), the others are drawn
  // again, so every character is uniform.
  private static final int UNBIASED_BOUND = 248;
  private static final int SECRET_BYTES = 32;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final HexFormat HEX = HexFormat.of();

  /**
   * The longest secret anyone may present (a bearer token, a sign-in link's code, a CLI grant's
   * code): longer values are never ours, and refusing them early keeps hashing bounded.
   */
  public static final int MAX_PRESENTED_LENGTH = 512;

  private final SecureRandom random;

  public Secrets(SecureRandom random) {
    this.random = random;
  }

  /** A new secret for a token of this kind. */
  public String mint(TokenKind kind) {
    if (kind == TokenKind.PERSONAL) {
      String body = randomBase62(RANDOM_CHARS);
      return PERSONAL_PREFIX + body + checksum(body);
    }
    return code();
  }

  /** A new service credential secret: {@link #SERVICE_PREFIX}, 43 base62 characters, checksum. */
  public String mintService() {
    String body = randomBase62(RANDOM_CHARS);
    return SERVICE_PREFIX + body + checksum(body);
  }

  /**
   * True when {@code secret} is {@link #SERVICE_PREFIX} followed by 49 base62 characters whose last
   * 6 are the checksum of the first 43: a service credential we could have minted.
   */
  public static boolean isServiceSecret(String secret) {
    int length = SERVICE_PREFIX.length() + RANDOM_CHARS + CHECKSUM_CHARS;
    if (secret == null || secret.length() != length || !secret.startsWith(SERVICE_PREFIX)) {
      return false;
    }
    for (int i = SERVICE_PREFIX.length(); i < length; i++) {
      if (!isBase62(secret.charAt(i))) {
        return false;
      }
    }
    int end = SERVICE_PREFIX.length() + RANDOM_CHARS;
    return checksum(secret.substring(SERVICE_PREFIX.length(), end)).equals(secret.substring(end));
  }

  /**
   * A one-time code or a session token: 32 random bytes, base64url without padding, no prefix.
   * Sign-in links and CLI grants carry one; like every secret, only its {@link #hash} is stored.
   */
  public String code() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  /**
   * The one guard for the shape of every presented secret: present, at most {@link
   * #MAX_PRESENTED_LENGTH} characters, and an RFC 7235 token68. Anything else is refused before
   * hashing or a lookup, whatever it was presented as.
   */
  public static boolean isPresentable(String secret) {
    return secret != null
        && !secret.isEmpty()
        && secret.length() <= MAX_PRESENTED_LENGTH
        && isToken68(secret);
  }

  /**
   * RFC 7235 token68, {@code [A-Za-z0-9._~+/-]+=*}: the only shape a bearer credential can have.
   * Written out rather than matched with a regex: it runs on every authenticated request.
   */
  static boolean isToken68(String s) {
    int i = 0;
    int n = s.length();
    while (i < n && isToken68Char(s.charAt(i))) {
      i++;
    }
    if (i == 0) {
      return false;
    }
    while (i < n && s.charAt(i) == '=') {
      i++;
    }
    return i == n;
  }

  private static boolean isToken68Char(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '~'
        || c == '+'
        || c == '/'
        || c == '-';
  }

  private String randomBase62(int length) {
    StringBuilder out = new StringBuilder(length);
    byte[] buffer = new byte[length + 8];
    while (out.length() < length) {
      random.nextBytes(buffer);
      for (int i = 0; i < buffer.length && out.length() < length; i++) {
        int b = buffer[i] & 0xff;
        if (b < UNBIASED_BOUND) {
          out.append(BASE62.charAt(b % 62));
        }
      }
    }
    return out.toString();
  }

  /**
   * The checksum of the 43 random characters of a personal key: their CRC32 in base62, 6 digits,
   * most significant first, left-padded with {@code 0}.
   */
  public static String checksum(String randomPart) {
    CRC32 crc = new CRC32();
    crc.update(randomPart.getBytes(StandardCharsets.US_ASCII));
    long value = crc.getValue();
    char[] digits = new char[CHECKSUM_CHARS];
    for (int i = CHECKSUM_CHARS - 1; i >= 0; i--) {
      digits[i] = BASE62.charAt((int) (value % 62));
      value /= 62;
    }
    return new String(digits);
  }

  /** True for {@code hm_} followed by 49 base62 characters: the current key format's shape. */
  public static boolean hasChecksummedShape(String secret) {
    if (secret.length() != PERSONAL_LENGTH || !secret.startsWith(PERSONAL_PREFIX)) {
      return false;
    }
    for (int i = PERSONAL_PREFIX.length(); i < PERSONAL_LENGTH; i++) {
      if (!isBase62(secret.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code secret} has the current format's shape and its checksum matches. Any other
   * string (an old-format key, a session token) is not for this method to judge.
   */
  public static boolean checksumMatches(String secret) {
    if (!hasChecksummedShape(secret)) {
      return false;
    }
    int end = PERSONAL_PREFIX.length() + RANDOM_CHARS;
    return checksum(secret.substring(PERSONAL_PREFIX.length(), end)).equals(secret.substring(end));
  }

  /**
   * The last {@link #HINT_CHARS} characters of a personal key in the current format, shown to tell
   * keys apart; null for other secrets (old-format keys and sessions have no hint).
   */
  public static String hint(String secret) {
    return hasChecksummedShape(secret) ? secret.substring(secret.length() - HINT_CHARS) : null;
  }

  private static boolean isBase62(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  /** Lowercase hex SHA-256 of the UTF-8 bytes of {@code secret}. */
  public static String hash(String secret) {
    return HEX.formatHex(sha256().digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  // Cloned for each hash: cheaper than MessageDigest.getInstance (a provider lookup and an
  // algorithm-constraints check) on every authenticated request.
  private static final MessageDigest SHA256 = newSha256();

  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
