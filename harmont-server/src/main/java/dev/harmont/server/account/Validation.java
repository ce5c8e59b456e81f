package dev.harmont.server.account;

import java.util.Locale;
import java.util.Optional;

/**
 * The rules for what users type: display names, key descriptions, emails, and the slug derived from
 * an email. Pure functions, no I/O.
 */
public final class Validation {
  public static final int MAX_NAME_CODE_POINTS = 255;
  public static final int MAX_DESCRIPTION_CODE_POINTS = 255;
  public static final int MAX_EMAIL_LENGTH = 254;
  // Long enough to stay readable, short enough for a DNS label if slugs ever become hostnames.
  private static final int MAX_SLUG_BASE_LENGTH = 60;

  private Validation() {}

  /** Trimmed display name, or {@link ErrorCode#USER_NAME_INVALID}. */
  public static String displayName(String raw) {
    String name = raw == null ? "" : raw.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > MAX_NAME_CODE_POINTS || !isPrintable(name)) {
      throw new HarmontException(ErrorCode.USER_NAME_INVALID);
    }
    return name;
  }

  /**
   * Trimmed passkey nickname of 1 to 100 code points, or {@link
   * ErrorCode#PASSKEY_NICKNAME_INVALID}.
   */
  public static String passkeyNickname(String raw) {
    String name = raw == null ? "" : raw.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > Passkey.MAX_NICKNAME_LENGTH || !isPrintable(name)) {
      throw new HarmontException(ErrorCode.PASSKEY_NICKNAME_INVALID);
    }
    return name;
  }

  /** Trimmed key description of at most 255 code points; absent or blank becomes empty. */
  public static Optional<String> description(String raw) {
    return description(raw, MAX_DESCRIPTION_CODE_POINTS);
  }

  /** Trimmed key description of at most {@code maxCodePoints}; absent or blank becomes empty. */
  public static Optional<String> description(String raw, int maxCodePoints) {
    if (raw == null) {
      return Optional.empty();
    }
    String text = raw.strip();
    if (text.codePointCount(0, text.length()) > maxCodePoints || !isPrintable(text)) {
      throw new HarmontException(
          ErrorCode.API_TOKEN_DESCRIPTION_INVALID,
          "Field `description` must be a string of at most "
              + maxCodePoints
              + " characters without control characters.");
    }
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /** Trimmed, lowercased email, or {@link ErrorCode#EMAIL_INVALID}. */
  public static String email(String raw) {
    String email = raw == null ? "" : raw.strip().toLowerCase(Locale.ROOT);
    int at = email.indexOf('@');
    boolean wellFormed =
        at > 0
            && at == email.lastIndexOf('@')
            && at < email.length() - 1
            && email.length() <= MAX_EMAIL_LENGTH
            && isPrintable(email)
            && email.codePoints().noneMatch(Character::isWhitespace)
            && !email.substring(at + 1).startsWith(".")
            && !email.endsWith(".");
    if (!wellFormed) {
      throw new HarmontException(
          ErrorCode.EMAIL_INVALID,
          "Email address `" + printableForMessage(email) + "` is not valid: expected name@domain.");
    }
    return email;
  }

  /**
   * The personal-organization slug for an email: local part and domain labels lowercased, runs of
   * other characters turned into {@code -}, joined by {@code -}. {@code ada.lovelace@example.org}
   * gives {@code ada-lovelace-example-org}. Uniqueness suffixes are the store's business.
   */
  public static String slugBase(String email) {
    String lower = email.toLowerCase(Locale.ROOT);
    StringBuilder slug = new StringBuilder();
    boolean pendingDash = false;
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        if (pendingDash && !slug.isEmpty()) {
          slug.append('-');
        }
        pendingDash = false;
        slug.append(c);
      } else {
        pendingDash = true;
      }
    }
    String base = slug.isEmpty() ? "user" : slug.toString();
    if (base.length() > MAX_SLUG_BASE_LENGTH) {
      base = base.substring(0, MAX_SLUG_BASE_LENGTH);
      while (base.endsWith("-")) {
        base = base.substring(0, base.length() - 1);
      }
    }
    return base;
  }

  /**
   * No control characters (Cc), no line or paragraph separators, and no unpaired surrogates (they
   * cannot be stored as UTF-8).
   */
  static boolean isPrintable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
        continue;
      }
      if (Character.isLowSurrogate(c)) {
        return false;
      }
      int type = Character.getType(c);
      if (type == Character.CONTROL
          || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR) {
        return false;
      }
    }
    return true;
  }

  private static String printableForMessage(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    StringBuilder out = new StringBuilder();
    cut.codePoints().forEach(cp -> out.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
    return out.toString();
  }
}
