package dev.harmont.server.http;

import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Matches a request to its endpoint on the <em>raw</em> path, then decodes: the path is split at
 * its literal slashes, dot segments are resolved, and only then is each segment percent-decoded. So
 * an encoded slash or backslash ({@code %2F}, {@code %5C}, any case) is never a separator: {@code
 * /api/v0/user%2Fapi-tokens} is one segment, {@code user/api-tokens}, which no endpoint has (404
 * {@code route_not_found}); as the {@code {id}} of a revocation it is just an id that is not the
 * caller's key (404 {@code api_token_not_found}). The HTTP server hands the path over as sent
 * (edge.HttpEdge) and does no routing of its own.
 *
 * <p>Then the method, case-sensitively (RFC 9110 §9.1): a known path with a method it does not
 * have, or a method spelt in another case ({@code get}), is 405 with {@code Allow}; a method token
 * this server does not know at all is 405 {@code method_not_implemented}, on any path (RFC 9110
 * allows 501, but a client's bad input is always a 4xx here). HEAD is served by a path's GET
 * handler, and OPTIONS on any path answers 204 with {@code Allow}. Matrix parameters ({@code ;x=1})
 * are not part of a segment and empty segments between two slashes are skipped.
 */
final class Routes implements Handler {
  /**
   * RFC 9110's methods and PATCH (RFC 5789): the ones answered 405 method_not_allowed where not
   * served.
   */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final int maxBodyBytes;
  private final Errors errors;
  private final List<Resource> resources = new ArrayList<>();
  private final Map<String, Resource> fixed = new HashMap<>();

  /** One path and its handlers by method. */
  private record Resource(
      String template, String[] segments, Map<String, Handler> handlers, String allow) {
    /** True when the decoded segments {@code path} are this resource's. */
    boolean matches(List<String> path) {
      int fixedSegments = segments.length;
      if (fixedSegments > 0 && ANY_BELOW.equals(segments[fixedSegments - 1])) {
        fixedSegments--; // a trailing `**`: this path or anything below it
        if (path.size() < fixedSegments) {
          return false;
        }
      } else if (path.size() != fixedSegments) {
        return false;
      }
      for (int i = 0; i < fixedSegments; i++) {
        if (segments[i] != null && !segments[i].equals(path.get(i))) {
          return false;
        }
      }
      return true;
    }
  }

  /** A path parameter's decoded value, for the handler of a templated path. */
  private record Parameter(String value) {}

  /**
   * A route to add: {@code template} is a path where one segment may be a parameter, {@code
   * {name}}, whose decoded value the handler reads with {@link #parameter}.
   */
  record Route(String method, String path, Handler handler) {
    /**
     * A route served whatever the (known) method: for a reverse proxy's forward-auth sub-request,
     * which keeps the method of the request it checks. Its path may end in {@code /**}: then it
     * serves that path and everything below it, too.
     */
    static Route anyMethod(String path, Handler handler) {
      return new Route(null, path, handler);
    }
  }

  /** A last template segment matching any number of segments, none included. */
  private static final String ANY_BELOW = "**";

  /** The key of an any-method route's handler. */
  private static final String ANY_METHOD = "*";

  /** What an any-method route allows: every method this server knows, in RFC 9110's order. */
  private static final String ANY_METHOD_ALLOW =
      "GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH";

  /**
   * @param maxBodyBytes a request declaring a larger body is 413 on every route, before any handler
   *     runs
   */
  Routes(Errors errors, List<Route> routes, int maxBodyBytes) {
    this.errors = errors;
    this.maxBodyBytes = maxBodyBytes;
    Map<String, Map<String, Handler>> byTemplate = new LinkedHashMap<>();
    for (Route route : routes) {
      byTemplate
          .computeIfAbsent(route.path(), t -> new LinkedHashMap<>())
          .put(route.method() == null ? ANY_METHOD : route.method(), route.handler());
    }
    byTemplate.forEach(
        (template, handlers) -> {
          String[] segments = template.substring(1).split("/", -1);
          for (int i = 0; i < segments.length; i++) {
            if (segments[i].startsWith("{")) {
              segments[i] = null;
            }
          }
          String allow =
              // An any-method route is 405 only for a method spelt in another case.
              handlers.containsKey(ANY_METHOD)
                  ? ANY_METHOD_ALLOW
                  : String.join(", ", handlers.keySet());
          // HEAD is GET without the body (RFC 9110 §9.3.2; the HTTP server leaves the body out).
          Handler get = handlers.get("GET");
          if (get != null) {
            handlers.putIfAbsent("HEAD", get);
          }
          Resource resource = new Resource(template, segments, Map.copyOf(handlers), allow);
          resources.add(resource);
          if (!template.contains("{") && !template.endsWith("/" + ANY_BELOW)) {
            fixed.put(template, resource);
          }
        });
  }

  /** The template a request matched, for the edge filter's metrics and access line. */
  record Matched(String template) {}

  /** The template {@code req} matched; null when none (not routed, or no endpoint there). */
  static String matchedTemplate(Request req) {
    return req.get(Matched.class).map(Matched::template).orElse(null);
  }

  /** The decoded value of the current request's path parameter (its one {@code {name}}). */
  static String parameter(Request req) {
    return req.get(Parameter.class).map(Parameter::value).orElse("");
  }

  @Override
  public void handle(Request req, Response res) throws Exception {
    if (req.contentLength() > maxBodyBytes) {
      // On every route, also those that read no body (GET): answered and then closed with the
      // body unread, the connection would be reset under a long answer still on its way, and the
      // client would lose its tail. Refused here, EdgeFilter ends the connection unread.
      throw new HarmontException(
          ErrorCode.PAYLOAD_TOO_LARGE,
          "The request body is larger than the limit of " + maxBodyBytes + " bytes.");
    }
    String sent = req.method();
    // The method as named (upper case) and whether it was sent so: `get` is not GET (RFC 9110
    // §9.1), and is answered 405 naming the methods this path allows.
    String method = KNOWN_METHODS.contains(sent) ? sent : sent.toUpperCase(Locale.ROOT);
    boolean sentAsNamed = method.equals(sent);
    if (!KNOWN_METHODS.contains(method)) {
      throw new HarmontException(
          ErrorCode.METHOD_NOT_IMPLEMENTED,
          "The method " + printable(sent) + " is not implemented by this server.");
    }
    String raw = req.rawPath();
    Resource resource = isPlain(raw) ? fixed.get(raw) : null;
    if (resource == null) {
      List<String> path = segments(raw);
      if (path != null) {
        for (Resource candidate : resources) {
          if (candidate.matches(path)) {
            resource = candidate;
            for (int i = 0; i < path.size(); i++) {
              if (i < candidate.segments().length && candidate.segments()[i] == null) {
                req.register(new Parameter(path.get(i)));
              }
            }
            break;
          }
        }
      }
    }
    if (resource == null) {
      throw new HarmontException(
          ErrorCode.ROUTE_NOT_FOUND,
          "No endpoint at this path. The API reference is served at /api/v0/openapi.json.");
    }
    req.register(new Matched(resource.template()));
    Handler handler = null;
    if (sentAsNamed) {
      handler = resource.handlers().get(method);
      if (handler == null) {
        handler = resource.handlers().get(ANY_METHOD);
      }
    }
    if (handler == null && sentAsNamed && method.equals("OPTIONS")) {
      // RFC 9110 §9.3.7: what this resource allows. Also what HAProxy's default health check
      // (`OPTIONS / HTTP/1.0`) asks; a CORS preflight was answered before routing (CorsFilter).
      res.header("Allow", resource.allow());
      res.status(204).send();
      return;
    }
    if (handler == null) {
      // Sent here rather than thrown: the edge filter resets headers on exceptions, and Allow
      // must survive.
      res.header("Allow", resource.allow());
      errors.send(
          res,
          req.get(RequestId.class).orElseGet(RequestId::fresh),
          new HarmontException(
              ErrorCode.METHOD_NOT_ALLOWED,
              (sentAsNamed ? method : "This spelling of " + method)
                  + " is not supported here (methods are case-sensitive). Allowed: "
                  + resource.allow()
                  + "."));
      return;
    }
    handler.handle(req, res);
  }

  /** {@code text} with anything but visible ASCII replaced, for a message. */
  private static String printable(String text) {
    String shown = text.replaceAll("[^\\x21-\\x7e]", "?");
    return shown.length() > 40 ? shown.substring(0, 40) + "…" : shown;
  }

  /** True when {@code raw} needs no decoding or normalising: the common case, without copies. */
  private static boolean isPlain(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' || c == ';' || (c == '/' && i + 1 < raw.length() && raw.charAt(i + 1) == '/')) {
        return false;
      }
      if (c == '.' && i > 0 && raw.charAt(i - 1) == '/') {
        return false;
      }
    }
    return true;
  }

  /**
   * The decoded segments of a raw absolute path: split at literal slashes, matrix parameters
   * dropped, empty inner segments skipped, {@code .} and {@code ..} resolved (RFC 3986 §5.2.4, on
   * the raw segments: an encoded dot is a name), then each segment percent-decoded as UTF-8. Null
   * when a segment is not valid percent-encoded UTF-8.
   */
  static List<String> segments(String raw) {
    String[] parts = raw.substring(raw.startsWith("/") ? 1 : 0).split("/", -1);
    List<String> out = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      boolean last = i == parts.length - 1;
      String part = parts[i];
      int params = part.indexOf(';');
      if (params >= 0) {
        part = part.substring(0, params);
      }
      switch (part) {
        case "." -> {
          if (last) {
            out.add("");
          }
        }
        case ".." -> {
          if (!out.isEmpty()) {
            out.remove(out.size() - 1);
          }
          if (last) {
            out.add("");
          }
        }
        default -> {
          if (part.isEmpty() && !last) {
            continue;
          }
          String decoded = decode(part);
          if (decoded == null) {
            return null;
          }
          out.add(decoded);
        }
      }
    }
    return out;
  }

  /** Percent-decodes one segment as UTF-8; null when malformed. {@code +} stays a plus. */
  static String decode(String segment) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        if (i + 2 >= segment.length()) {
          return null;
        }
        int hi = Character.digit(segment.charAt(i + 1), 16);
        int lo = Character.digit(segment.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
