package dev.harmont.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Mints bearer secrets and hashes them. A secret is 32 bytes from {@link SecureRandom}, base64url
 * without padding; personal API keys carry the {@code hm_} prefix. Only the lowercase hex SHA-256
 * of the whole secret (prefix included) is ever stored.
 */
public final class Secrets {
  public static final String PERSONAL_PREFIX = "hm_";
  private static final int SECRET_BYTES = 32;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final HexFormat HEX = HexFormat.of();

  private final SecureRandom random;

  public Secrets(SecureRandom random) {
    this.random = random;
  }

  /** A new secret for a token of this kind. */
  public String mint(TokenKind kind) {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    String body = BASE64URL.encodeToString(bytes);
    return kind == TokenKind.PERSONAL ? PERSONAL_PREFIX + body : body;
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
