package dev.harmont.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads request bodies: size limit first, then media type (both before anything is read), then
 * strict JSON (or, for the OAuth endpoints, an HTML form). An empty body counts as no body, which
 * the contract allows on both PATCH and POST.
 */
final class Bodies {
  private final int maxBytes;
  private final ObjectMapper reader;

  Bodies(int maxBytes, int maxJsonDepth, int maxJsonStringLength) {
    this.maxBytes = maxBytes;
    this.reader = Json.strictReader(maxJsonDepth, maxJsonStringLength);
  }

  /** The body as a JSON object, or null when the request has none. */
  ObjectNode optionalObject(Request req) {
    byte[] body = bytes(req);
    if (body.length == 0) {
      return null;
    }
    requireJsonMediaType(req);
    return Json.parseObject(reader, body);
  }

  /**
   * The body as an HTML form ({@code application/x-www-form-urlencoded}, UTF-8): each name with its
   * values in the order sent. An empty body is an empty form. A pair that is not valid
   * percent-encoded UTF-8 is left out (the caller then finds its field missing).
   *
   * @throws HarmontException {@link ErrorCode#UNSUPPORTED_MEDIA_TYPE} for a body of another type,
   *     {@link ErrorCode#PAYLOAD_TOO_LARGE} past the limit
   */
  Map<String, List<String>> form(Request req) {
    byte[] body = read(req, Bodies::requireFormMediaType);
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (body.length == 0) {
      return out;
    }
    requireFormMediaType(req);
    for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = formDecode(eq < 0 ? pair : pair.substring(0, eq));
      String value = formDecode(eq < 0 ? "" : pair.substring(eq + 1));
      if (name != null && value != null) {
        out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
      }
    }
    return out;
  }

  /** One form name or value: {@code +} is a space, then percent-decoded as UTF-8; null: invalid. */
  private static String formDecode(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      if (raw.charAt(i) > 0x7e || raw.charAt(i) < 0x20) {
        return null; // a form body is ASCII: anything else must be percent-encoded
      }
    }
    return Routes.decode(raw.replace('+', ' '));
  }

  /**
   * The body's bytes as sent (empty when there is none), within the limit. Read once: a later call,
   * or {@link #optionalObject}, gets the same bytes (what runs before a handler may need them, as
   * {@link IdempotentPosts} does to hash the request).
   */
  byte[] bytes(Request req) {
    return read(req, Bodies::requireJsonMediaType);
  }

  /** The body, read once; {@code requireType} checks its media type before any of it is read. */
  private byte[] read(Request req, Consumer<Request> requireType) {
    Optional<Read> read = req.get(Read.class);
    if (read.isPresent()) {
      return read.get().bytes();
    }
    if (req.contentLength() > maxBytes) {
      throw tooLarge();
    }
    if (req.hasBody()) {
      // Before reading: a client that sent `Expect: 100-continue` hears the refusal at once.
      requireType.accept(req);
    }
    byte[] body = readAtMost(req);
    req.register(new Read(body));
    return body;
  }

  /** A body already read from the request, kept for whoever reads it next. */
  private record Read(byte[] bytes) {}

  private byte[] readAtMost(Request req) {
    if (!req.hasBody()) {
      return new byte[0];
    }
    try (InputStream in = req.body()) {
      byte[] bytes = in.readNBytes(maxBytes + 1);
      if (bytes.length > maxBytes) {
        throw tooLarge();
      }
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private HarmontException tooLarge() {
    return new HarmontException(
        ErrorCode.PAYLOAD_TOO_LARGE,
        "The request body is larger than the limit of " + maxBytes + " bytes.");
  }

  /** {@code application/x-www-form-urlencoded}, for the OAuth endpoints. */
  private static void requireFormMediaType(Request req) {
    String header = req.header("Content-Type").orElse("");
    String type = header.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!type.equals("application/x-www-form-urlencoded")) {
      String got = header.isBlank() ? "no Content-Type" : "Content-Type `" + clip(header) + "`";
      throw new HarmontException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Send the request body as `Content-Type: application/x-www-form-urlencoded` (got "
              + got
              + ").");
    }
  }

  /** {@code application/json} or {@code application/*+json}, UTF-8 if a charset is named. */
  private static void requireJsonMediaType(Request req) {
    String header = req.header("Content-Type").orElse("");
    String[] parts = header.split(";", -1);
    String type = parts[0].strip().toLowerCase(Locale.ROOT);
    boolean json =
        type.equals("application/json")
            || (type.startsWith("application/") && type.endsWith("+json"));
    for (int i = 1; i < parts.length && json; i++) {
      String[] param = parts[i].split("=", 2);
      if (param[0].strip().equalsIgnoreCase("charset")) {
        String charset = param.length < 2 ? "" : param[1].strip().replace("\"", "");
        json = charset.equalsIgnoreCase("utf-8") || charset.equalsIgnoreCase("utf8");
      }
    }
    if (!json) {
      String got = header.isBlank() ? "no Content-Type" : "Content-Type `" + clip(header) + "`";
      throw new HarmontException(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "Send the request body as `Content-Type: application/json` (got " + got + ").");
    }
  }

  private static String clip(String header) {
    String printable = header.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() > 100 ? printable.substring(0, 100) + "…" : printable;
  }
}
