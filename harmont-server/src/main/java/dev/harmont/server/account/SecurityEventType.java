package dev.harmont.server.account;

/** What a security event records; {@link #wire()} is the {@code type} clients see. */
public enum SecurityEventType {
  USER_RENAMED("user.renamed"),
  API_TOKEN_CREATED("api_token.created"),
  API_TOKEN_ROTATED("api_token.rotated"),
  API_TOKEN_REVOKED("api_token.revoked"),
  SESSION_CREATED("session.created"),
  SESSION_ENDED("session.ended"),
  PASSKEY_ADDED("passkey.added"),
  PASSKEY_RENAMED("passkey.renamed"),
  PASSKEY_REMOVED("passkey.removed"),
  /** A passkey's signature counter went backwards: a cloned authenticator, refused. */
  PASSKEY_COUNTER_REGRESSED("passkey.counter_regressed"),
  /** A single sign-on identity was linked to the account (its first sign-in there). */
  IDENTITY_LINKED("identity.linked"),
  /** A single sign-on identity was disconnected from the account. */
  IDENTITY_UNLINKED("identity.unlinked");

  private final String wire;

  SecurityEventType(String wire) {
    this.wire = wire;
  }

  /** The stored and wire value, e.g. {@code api_token.rotated}. */
  public String wire() {
    return wire;
  }

  public static SecurityEventType fromWire(String value) {
    for (SecurityEventType type : values()) {
      if (type.wire.equals(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown security event type " + value);
  }
}
