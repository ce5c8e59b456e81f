package dev.harmont.server.store;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the pool connects to and as whom. For PostgreSQL the credentials are taken out of the URL
 * and passed separately, because pgjdbc mishandles both ways people put them there: {@code
 * jdbc:postgresql://user:secret@host/db} is read as a host named {@code user:secret@host} (the
 * connection fails and the password lands in the error message), and a {@code user=} or {@code
 * password=} parameter silently overrides {@code --database-user} / {@code --database-password}.
 * Given in both places with different values, the setting is refused rather than guessed.
 *
 * @param user null when the driver's default applies
 * @param password null when none is given
 */
record JdbcTarget(String url, String user, String password) {
  private static final String POSTGRES_PREFIX = "jdbc:postgresql:";
  private static final String TWICE_IN_URL = "twice in the database URL";
  private static final String IN_URL_AND_SETTING =
      "in the database URL and in --database-WHAT (HARMONT_DATABASE_VAR)";

  static JdbcTarget of(DatabaseSettings settings) {
    String url = settings.jdbcUrl();
    String user = blankToNull(settings.user());
    String password = blankToNull(settings.password());
    if (!url.startsWith(POSTGRES_PREFIX)) {
      return new JdbcTarget(url, user, password);
    }
    String rest = url.substring(POSTGRES_PREFIX.length());
    String urlUser = null;
    String urlPassword = null;

    // Userinfo: //user[:password]@host…, percent-encoded as in any URL.
    if (rest.startsWith("//")) {
      int authorityEnd = indexOfAny(rest, 2, '/', '?');
      String authority = rest.substring(2, authorityEnd);
      int at = authority.lastIndexOf('@');
      if (at >= 0) {
        String userinfo = authority.substring(0, at);
        int colon = userinfo.indexOf(':');
        urlUser = percentDecode(colon < 0 ? userinfo : userinfo.substring(0, colon));
        urlPassword = colon < 0 ? null : percentDecode(userinfo.substring(colon + 1));
        rest = "//" + authority.substring(at + 1) + rest.substring(authorityEnd);
      }
    }

    // Parameters: ?user=…&password=…, decoded the way pgjdbc decodes them.
    int query = rest.indexOf('?');
    if (query >= 0) {
      List<String> kept = new ArrayList<>();
      for (String param : rest.substring(query + 1).split("&")) {
        int eq = param.indexOf('=');
        String name = eq < 0 ? param : param.substring(0, eq);
        String value =
            eq < 0 ? "" : URLDecoder.decode(param.substring(eq + 1), StandardCharsets.UTF_8);
        switch (name) {
          case "user" -> urlUser = agree("user", urlUser, value, TWICE_IN_URL);
          case "password" -> urlPassword = agree("password", urlPassword, value, TWICE_IN_URL);
          default -> {
            if (!param.isEmpty()) {
              kept.add(param);
            }
          }
        }
      }
      rest = rest.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
    }

    return new JdbcTarget(
        POSTGRES_PREFIX + rest,
        agree("user", user, blankToNull(urlUser), IN_URL_AND_SETTING),
        agree("password", password, blankToNull(urlPassword), IN_URL_AND_SETTING));
  }

  /** The one value given, or the common value when given twice alike. */
  private static String agree(String what, String first, String second, String where) {
    if (first == null) {
      return second;
    }
    if (second == null || second.equals(first)) {
      return first;
    }
    // The values are left out on purpose: one of them may be a password.
    throw new IllegalArgumentException(
        "The database "
            + what
            + " is given twice with different values, "
            + where.replace("WHAT", what).replace("VAR", what.toUpperCase(Locale.ROOT))
            + ". Give it in one place.");
  }

  private static int indexOfAny(String s, int from, char a, char b) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return s.length();
  }

  /** RFC 3986 percent-decoding: unlike form decoding, {@code +} stays a plus. */
  private static String percentDecode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Never the password. */
  @Override
  public String toString() {
    return "JdbcTarget[url=" + Database.redact(url) + ", user=" + user + "]";
  }
}
