package dev.harmont.server.account;

/** How a person proved who they are when a session started: recorded on {@code session.created}. */
public enum SignInMethod {
  /** A personal API key traded for a session (the console's API-key form). */
  API_KEY("api_key"),
  /** A one-time sign-in link made by an operator. */
  SIGN_IN_LINK("sign_in_link"),
  /** A passkey (WebAuthn assertion with user verification). */
  PASSKEY("passkey"),
  /** A passkey created from an emailed sign-up link: the account's first session. */
  SIGN_UP("sign_up"),
  /** A passkey added through an emailed recovery or invitation link. */
  RECOVERY("recovery"),
  /**
   * Single sign-on: an OpenID Connect provider (Google included) or GitHub; the event names the
   * provider.
   */
  OIDC("oidc");

  private final String wire;

  SignInMethod(String wire) {
    this.wire = wire;
  }

  /** The stored and wire value, e.g. {@code sign_in_link}. */
  public String wire() {
    return wire;
  }

  /** The method stored as {@code value}; null for null (events without one). */
  public static SignInMethod fromWire(String value) {
    if (value == null) {
      return null;
    }
    for (SignInMethod method : values()) {
      if (method.wire.equals(value)) {
        return method;
      }
    }
    throw new IllegalArgumentException("unknown sign-in method " + value);
  }
}
