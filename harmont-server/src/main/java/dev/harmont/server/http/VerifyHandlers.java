package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.ServiceCredential;
import dev.harmont.server.account.ServiceCredentials;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Keys that protect other services (issue 26): {@code verifyToken} answers a reverse proxy's
 * forward-auth sub-request (nginx {@code auth_request}, Caddy {@code forward_auth}, Traefik {@code
 * forwardAuth}, Envoy {@code ext_authz}); {@code introspectToken} answers a service holding a
 * service credential (RFC 7662). Both authenticate the presented token through the same {@link
 * Bearer}/{@code Authenticator} path as every endpoint: same cache, same revocation guarantees.
 */
final class VerifyHandlers {
  static final String USER_ID = "X-Harmont-User-Id";
  static final String USER_EMAIL = "X-Harmont-User-Email";
  static final String ORGANIZATION = "X-Harmont-Organization";
  static final String TOKEN_ID = "X-Harmont-Token-Id";
  static final String TOKEN_KIND = "X-Harmont-Token-Kind";

  private static final String FORWARDED_METHOD = "X-Forwarded-Method";
  private static final String FORWARDED_URI = "X-Forwarded-Uri";
  private static final String ORIGINAL_URI = "X-Original-URI";
  private static final String FORWARDED_HOST = "X-Forwarded-Host";
  private static final int MAX_LOGGED = 200;
  private static final byte[] INACTIVE = "{\"active\":false}".getBytes(StandardCharsets.UTF_8);

  private final Bearer bearer;
  private final ServiceCredentials services;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final Errors errors;

  VerifyHandlers(
      Bearer bearer,
      ServiceCredentials services,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      Errors errors) {
    this.bearer = bearer;
    this.services = services;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
    this.errors = errors;
  }

  /**
   * Any method on {@code /api/v0/auth/verify}: 200 without a body and the five {@code X-Harmont-*}
   * headers, always all five; a refused credential is 401 with {@code error="invalid_token"}, 429
   * past the failure limit; no credential is a plain 401.
   */
  void verifyToken(Request req, Response res) {
    forwardedForLog(req);
    Authenticated who;
    try {
      who = bearer.authenticate(req);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED && req.hasHeader("Authorization")) {
        // Sent here rather than thrown: the edge filter resets headers on exceptions.
        errors.send(res, req.get(RequestId.class).orElseGet(RequestId::fresh), e, true);
        return;
      }
      throw e;
    }
    res.header(USER_ID, who.user().id().toString());
    res.header(USER_EMAIL, headerSafe(who.user().email()));
    res.header(ORGANIZATION, orEmpty(who.user().personalOrgSlug()));
    res.header(TOKEN_ID, who.token().id().toString());
    res.header(TOKEN_KIND, who.token().kind().dbValue());
    res.status(200);
    res.send();
  }

  /**
   * {@code POST /api/v0/oauth/introspect} (RFC 7662): a service credential in {@code Authorization}
   * (Bearer, or Basic with the secret as password), the token in the form field {@code token}.
   */
  void introspectToken(Request req, Response res) {
    ServiceCredential service = authenticateService(req);
    List<String> tokens = bodies.form(req).get("token");
    if (tokens == null || tokens.size() != 1 || tokens.get(0).isEmpty()) {
      throw new HarmontException(
          ErrorCode.INTROSPECTION_TOKEN_MISSING,
          tokens == null || tokens.isEmpty()
              ? ErrorCode.INTROSPECTION_TOKEN_MISSING.message()
              : "Send the form field `token` exactly once, not empty (RFC 7662).");
    }
    Optional<Authenticated> found = services.introspect(tokens.get(0));
    if (found.isEmpty()) {
      Responses.json(res, 200, INACTIVE);
      return;
    }
    Authenticated who = found.get();
    ObjectNode out = Json.object();
    out.put("active", true);
    out.put("sub", who.user().id().toString());
    out.put("username", who.user().email());
    out.put("token_type", who.token().kind().dbValue());
    if (who.token().expiresAt() != null) {
      out.put("exp", who.token().expiresAt().getEpochSecond());
    }
    out.put("iat", who.token().createdAt().getEpochSecond());
    out.put("client_id", who.token().id().toString());
    out.put("harmont_org", orEmpty(who.user().personalOrgSlug()));
    out.put("aud", service.name());
    Responses.json(res, 200, out);
  }

  /** The calling service; 401 (429 past the failure limit) for anything else. */
  private ServiceCredential authenticateService(Request req) {
    if (!req.hasHeader("Authorization")) {
      throw new HarmontException(
          ErrorCode.UNAUTHORIZED,
          "Introspection needs a service credential: `Authorization: Bearer hms_…`. Create one"
              + " with `harmont admin create-service`.");
    }
    try {
      List<String> values = req.headerValues("Authorization");
      String[] presented = values.size() == 1 ? credentialOf(values.get(0)) : null;
      if (presented == null) {
        throw new HarmontException(ErrorCode.UNAUTHORIZED);
      }
      ServiceCredential service = services.authenticate(presented[1]);
      if (presented[0] != null && !presented[0].isEmpty() && !presented[0].equals(service.name())) {
        throw new HarmontException(ErrorCode.UNAUTHORIZED);
      }
      return service;
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        throw throttle.refuse(clients.of(req), e);
      }
      throw e;
    }
  }

  /**
   * {@code [client_id or null, secret]} from a Bearer or Basic (RFC 6749 §2.3.1: form-encoded
   * {@code client_id:client_secret}) Authorization value; null for anything else.
   */
  private static String[] credentialOf(String header) {
    String value = header.strip();
    int space = value.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = value.substring(0, space);
    String rest = value.substring(space + 1).strip();
    if (scheme.equalsIgnoreCase("bearer")) {
      return new String[] {null, rest};
    }
    if (!scheme.equalsIgnoreCase("basic")) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(rest), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String id = Routes.decode(decoded.substring(0, colon).replace('+', ' '));
    String secret = Routes.decode(decoded.substring(colon + 1).replace('+', ' '));
    return id == null || secret == null ? null : new String[] {id, secret};
  }

  /**
   * What the proxy says it checks ({@code X-Forwarded-Method}, {@code X-Forwarded-Host}, {@code
   * X-Forwarded-Uri} or {@code X-Original-URI}), for this request's access-log line: the path only
   * (a query string may hold a credential), visible ASCII, clipped.
   */
  private static void forwardedForLog(Request req) {
    String method = req.header(FORWARDED_METHOD).orElse(null);
    String uri = req.header(FORWARDED_URI).or(() -> req.header(ORIGINAL_URI)).orElse(null);
    String host = req.header(FORWARDED_HOST).orElse(null);
    if (method == null && uri == null && host == null) {
      return;
    }
    if (uri != null) {
      int cut = indexOfAny(uri, '?', '#');
      uri = cut >= 0 ? uri.substring(0, cut) : uri;
    }
    String described =
        (method == null ? "" : method + " ")
            + (host == null ? "" : host)
            + (uri == null ? "" : uri);
    req.register(new ForwardedRequest(clean(described.strip())));
  }

  private static int indexOfAny(String s, char a, char b) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }

  private static String clean(String value) {
    StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_LOGGED));
    for (int i = 0; i < value.length() && out.length() < MAX_LOGGED; i++) {
      char c = value.charAt(i);
      out.append(c >= 0x21 && c <= 0x7e || c == ' ' ? c : '?');
    }
    return out.toString();
  }

  /**
   * {@code value} as a header value: as is when it is visible ASCII (every email but
   * internationalized ones); else its UTF-8 bytes outside visible ASCII percent-encoded, e.g.
   * {@code zo%C3%AB@example.org}, so a proxy never sees a raw non-ASCII byte.
   */
  static String headerSafe(String value) {
    boolean ascii = true;
    for (int i = 0; i < value.length() && ascii; i++) {
      ascii = value.charAt(i) >= 0x21 && value.charAt(i) <= 0x7e;
    }
    if (ascii) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length() * 3);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x21 && c <= 0x7e) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** The request a forward-auth sub-request checks, as the access log shows it. */
  record ForwardedRequest(String described) {}
}
