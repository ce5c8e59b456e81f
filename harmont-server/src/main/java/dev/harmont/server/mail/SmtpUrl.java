package dev.harmont.server.mail;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where mail goes, in the URL convention Gitea and others use: {@code smtp://host:25} (plain, a
 * local relay), {@code smtp+starttls://user:pass@host:587} (STARTTLS required: refused when the
 * server does not offer it), {@code smtps://user:pass@host:465} (TLS from the first byte). User and
 * password are URL-encoded in the URL. {@link #toString()} never shows the password.
 */
public record SmtpUrl(Security security, String host, int port, String user, String password) {
  /** How the connection is protected. */
  public enum Security {
    /** No TLS at all: for a relay on the same machine or network. */
    PLAIN("smtp", 25),
    /** Plain connection upgraded with STARTTLS before anything else; refused if not offered. */
    STARTTLS("smtp+starttls", 587),
    /** TLS from the first byte (implicit TLS, "SMTPS"). */
    TLS("smtps", 465);

    private final String scheme;
    private final int defaultPort;

    Security(String scheme, int defaultPort) {
      this.scheme = scheme;
      this.defaultPort = defaultPort;
    }

    /** The URL scheme that selects it. */
    public String scheme() {
      return scheme;
    }
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static SmtpUrl parse(String url) {
    String expected =
        " Expected smtp://HOST[:PORT], smtp+starttls://USER:PASSWORD@HOST[:PORT] or"
            + " smtps://USER:PASSWORD@HOST[:PORT] (user and password URL-encoded).";
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("The SMTP URL is not a URL." + expected, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Security security = null;
    for (Security s : Security.values()) {
      if (s.scheme.equals(scheme)) {
        security = s;
      }
    }
    if (security == null) {
      throw new IllegalArgumentException(
          "The SMTP URL's scheme must be smtp, smtp+starttls or smtps, not '"
              + scheme
              + "'."
              + expected);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("The SMTP URL names no host." + expected);
    }
    String path = uri.getRawPath();
    if ((path != null && !path.isEmpty() && !path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "The SMTP URL has a path, query or fragment, which mean nothing here." + expected);
    }
    String user = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() < 0 ? security.defaultPort : uri.getPort();
    return new SmtpUrl(security, host, port, user, password);
  }

  // Percent-decoding only: a '+' in a password is a '+'.
  private static String decode(String raw) {
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The same server with {@code password} (from {@code --smtp-password-file}). */
  public SmtpUrl withPassword(String password) {
    return new SmtpUrl(security, host, port, user, password);
  }

  @Override
  public String toString() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    String who =
        user == null
            ? ""
            : URLEncoder.encode(user, StandardCharsets.UTF_8).replace("+", "%20")
                + (password == null ? "" : ":***")
                + "@";
    return security.scheme + "://" + who + h + ":" + port;
  }
}
