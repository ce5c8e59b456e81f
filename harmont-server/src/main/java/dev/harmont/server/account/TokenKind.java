package dev.harmont.server.account;

import java.util.Locale;

/** Personal API keys are managed by the user; session tokens come from a sign-in and are hidden. */
public enum TokenKind {
  PERSONAL,
  SESSION;

  /** The value stored in the {@code kind} column. */
  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static TokenKind fromDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
