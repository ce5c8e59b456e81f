package dev.harmont.server.web;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The web console's files, served from the jar: the one page ({@code index.html}, for every path in
 * {@link #PAGES}; the page's script picks the view from the path) and its assets under {@code
 * /assets/}. Everything is read once at start-up, with a strong ETag, and sent with {@code
 * Cache-Control: no-cache} (a browser revalidates, and gets a 304 while the file is unchanged) and
 * the security headers. Account data never passes through here: the page fetches it from the API,
 * whose answers are {@code no-store}.
 */
public final class Console {
  /** Paths that answer with the page. */
  public static final List<String> PAGES =
      List.of("/", "/sign-in", "/cli/authorize", "/sign-up", "/recover");

  /** Where the assets are served; {@code {name}} is one file name of {@link #ASSETS}. */
  public static final String ASSET_ROUTE = "/assets/{name}";

  // Every file the page may load. A list rather than a scan of the jar: what is served is exactly
  // what is named here.
  static final List<String> ASSETS =
      List.of(
          "console.css",
          "icon.svg",
          "main.js",
          "dom.js",
          "api.js",
          "session.js",
          "sign-in.js",
          "profile.js",
          "keys.js",
          "security-log.js",
          "delete-account.js",
          "cli-authorize.js",
          "time.js",
          "user-agent.js",
          "passkeys.js",
          "webauthn.js",
          "email-links.js",
          "sso.js",
          "connected-accounts.js");

  /**
   * Only our own files; no inline script or style, no eval. With Trusted Types required, the
   * browser refuses every HTML-parsing sink (innerHTML and friends) outright, so data can only ever
   * be inserted as text, and no policy may be created to get around that.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self';"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'self'; require-trusted-types-for 'script';"
          + " trusted-types 'none'";

  private static final String RESOURCES = "/dev/harmont/server/web/";

  private record File(byte[] bytes, String contentType, String etag) {}

  private final File page;
  private final Map<String, File> assets = new LinkedHashMap<>();

  public Console() {
    this.page = load("index.html");
    for (String name : ASSETS) {
      assets.put(name, load("assets/" + name));
    }
  }

  /** Serves the page. */
  public Handler page() {
    return (req, res) -> send(req, res, page);
  }

  /**
   * Serves one asset; any other name is the API's usual 404.
   *
   * @param nameOf the decoded {@code {name}} of {@link #ASSET_ROUTE} in a request
   */
  public Handler asset(Function<Request, String> nameOf) {
    return (req, res) -> {
      File file = assets.get(nameOf.apply(req));
      if (file == null) {
        throw new HarmontException(
            ErrorCode.ROUTE_NOT_FOUND, "No such file. The console is served at /.");
      }
      send(req, res, file);
    };
  }

  private static void send(Request req, Response res, File file) {
    res.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    res.header("Referrer-Policy", "no-referrer");
    res.header("X-Frame-Options", "DENY");
    res.header("Cross-Origin-Opener-Policy", "same-origin");
    res.header("Cache-Control", "no-cache");
    res.header("ETag", file.etag());
    if (notModified(req, file.etag())) {
      res.status(304).send();
      return;
    }
    res.header("Content-Type", file.contentType());
    res.send(file.bytes());
  }

  /** RFC 9110 If-None-Match: {@code *} or a list of tags, compared weakly. */
  static boolean notModified(Request req, String etag) {
    if (!req.hasHeader("If-None-Match")) {
      return false;
    }
    for (String value : req.headerValues("If-None-Match")) {
      for (String tag : value.split(",")) {
        String t = tag.strip();
        if (t.startsWith("W/")) {
          t = t.substring(2);
        }
        if (t.equals("*") || t.equals(etag)) {
          return true;
        }
      }
    }
    return false;
  }

  private static File load(String name) {
    try (InputStream in = Console.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + name);
      }
      byte[] bytes = in.readAllBytes();
      return new File(bytes, contentType(name), etag(bytes));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String contentType(String name) {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    return switch (extension) {
      case "html" -> "text/html; charset=utf-8";
      case "css" -> "text/css; charset=utf-8";
      case "js" -> "text/javascript; charset=utf-8";
      case "svg" -> "image/svg+xml";
      default -> throw new IllegalArgumentException("no content type for " + name);
    };
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
