package dev.harmont.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Proof Key for Code Exchange (RFC 7636), S256 only: the shapes of a code verifier and of its
 * challenge, and the transformation between them. Pure functions, no I/O.
 */
public final class Pkce {
  /** The only method accepted: {@code plain} would expose the verifier in the browser. */
  public static final String S256 = "S256";

  /** BASE64URL of a SHA-256 digest, without padding. */
  static final int CHALLENGE_LENGTH = 43;

  // RFC 7636 section 4.1.
  static final int MIN_VERIFIER_LENGTH = 43;
  static final int MAX_VERIFIER_LENGTH = 128;

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private Pkce() {}

  /** {@code BASE64URL(SHA256(ASCII(verifier)))}, the S256 challenge of a verifier. */
  public static String s256(String verifier) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return BASE64URL.encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** 43 characters of the base64url alphabet: what {@link #s256} produces. */
  public static boolean isChallenge(String text) {
    if (text == null || text.length() != CHALLENGE_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(isAlphanumeric(c) || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** 43 to 128 unreserved characters {@code [A-Za-z0-9-._~]} (RFC 7636 section 4.1). */
  public static boolean isVerifier(String text) {
    if (text == null
        || text.length() < MIN_VERIFIER_LENGTH
        || text.length() > MAX_VERIFIER_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!(isAlphanumeric(c) || c == '-' || c == '.' || c == '_' || c == '~')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAlphanumeric(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
