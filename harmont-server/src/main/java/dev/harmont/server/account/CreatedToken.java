package dev.harmont.server.account;

/**
 * A freshly minted token and its raw secret. The secret exists only in this object, on its way to
 * the caller; it is never stored or logged, so {@link #toString()} leaves it out.
 */
public record CreatedToken(ApiToken token, String secret) {
  @Override
  public String toString() {
    return "CreatedToken[token=" + token + ", secret=<redacted>]";
  }
}
