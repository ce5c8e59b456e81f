package dev.harmont.cli;

import dev.harmont.server.account.Pkce;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The two random values of one {@code harmont login --web}: the PKCE code verifier (RFC 7636: 32
 * random bytes, base64url, 43 characters), which never leaves this process except in the exchange
 * request, and the {@code state} that ties the browser's callback to this very login (RFC 6749
 * section 10.12), so that a callback forged by another page is ignored.
 */
record WebLoginSecrets(String verifier, String state) {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  static WebLoginSecrets random(SecureRandom random) {
    return new WebLoginSecrets(randomText(random), randomText(random));
  }

  /** What the browser carries: {@code BASE64URL(SHA256(verifier))}. */
  String challenge() {
    return Pkce.s256(verifier);
  }

  /** Whether a callback's state is this login's, compared in constant time. */
  boolean stateMatches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(
            candidate.getBytes(StandardCharsets.UTF_8), state.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomText(SecureRandom random) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return BASE64URL.encodeToString(bytes);
  }

  @Override
  public String toString() {
    return "WebLoginSecrets[<redacted>]";
  }
}
