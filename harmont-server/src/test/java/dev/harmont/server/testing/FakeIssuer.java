package dev.harmont.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local OpenID Connect provider for protocol tests without a browser: discovery, JWKS and a token
 * endpoint that checks the client secret, the code (once), the redirect URI and the PKCE verifier,
 * then answers an ID token signed by Nimbus, honestly or in one of the {@link Mode}s of an attack.
 * The test plays the browser: {@link #authorize} reads the server's redirect and hands back a code.
 */
public final class FakeIssuer implements AutoCloseable {
  public static final String CLIENT_ID = "harmont-test";
  public static final String CLIENT_SECRET = "test-secret-0123456789";

  /** How the ID token of a code is made. */
  public enum Mode {
    VALID,
    WRONG_AUDIENCE,
    EXPIRED,
    ALG_NONE,
    HMAC_WITH_PUBLIC_KEY,
    WRONG_NONCE,
    UNKNOWN_KEY,
    WRONG_ISSUER
  }

  /** Who signs in, as the provider knows them. */
  public record Person(String subject, String email, boolean emailVerified, String name) {}

  private record Grant(
      Person person, String nonce, String challenge, String redirectUri, Mode mode) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer http;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private volatile RSAKey key = newKey();
  private volatile boolean down;
  private volatile Person signedIn;

  public FakeIssuer() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/.well-known/openid-configuration", this::discovery);
    http.createContext("/jwks", this::jwks);
    http.createContext("/token", this::token);
    http.createContext("/authorize", this::authorizeInBrowser);
    http.start();
  }

  public String issuer() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** While down, every request fails (connection answered 503). */
  public void down(boolean value) {
    down = value;
  }

  /** A new signing key replaces the published one (the old one is no longer published). */
  public void rotateKey() {
    key = newKey();
  }

  /**
   * The provider's part of the browser leg: checks the authorization request the server redirected
   * to and returns the code it would send back, for {@code person}, made in {@code mode}.
   *
   * @return the query parameters of the request, and {@code code}
   */
  public Map<String, String> authorize(URI authorizationRequest, Person person, Mode mode) {
    Map<String, String> query = query(authorizationRequest.getRawQuery());
    if (!authorizationRequest.toString().startsWith(issuer() + "/authorize?")) {
      throw new AssertionError("not our authorization endpoint: " + authorizationRequest);
    }
    if (!CLIENT_ID.equals(query.get("client_id"))
        || !"code".equals(query.get("response_type"))
        || !"S256".equals(query.get("code_challenge_method"))
        || query.get("state") == null
        || query.get("nonce") == null) {
      throw new AssertionError("incomplete authorization request: " + query);
    }
    String code = UUID.randomUUID().toString();
    codes.put(
        code,
        new Grant(
            person,
            query.get("nonce"),
            query.get("code_challenge"),
            query.get("redirect_uri"),
            mode));
    Map<String, String> out = new HashMap<>(query);
    out.put("code", code);
    return out;
  }

  /**
   * Who a browser sent to {@code /authorize} is: the provider then approves at once and redirects
   * back with a code, as a provider does for a person already signed in there.
   */
  public void signInBrowserAs(Person person) {
    signedIn = person;
  }

  private void authorizeInBrowser(HttpExchange exchange) throws IOException {
    Person person = signedIn;
    if (person == null) {
      send(exchange, 403, "{}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    URI request = URI.create(issuer() + exchange.getRequestURI().toString());
    Map<String, String> back = authorize(request, person, Mode.VALID);
    String location =
        back.get("redirect_uri")
            + "?code="
            + java.net.URLEncoder.encode(back.get("code"), StandardCharsets.UTF_8)
            + "&state="
            + java.net.URLEncoder.encode(back.get("state"), StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Location", location);
    exchange.sendResponseHeaders(302, -1);
    exchange.close();
  }

  /** A code for an SPA-style sign-in (no PKCE, no nonce), as upstream's frontend gets one. */
  public String codeFor(Person person, String redirectUri) {
    String code = UUID.randomUUID().toString();
    codes.put(code, new Grant(person, null, null, redirectUri, Mode.VALID));
    return code;
  }

  private void discovery(HttpExchange exchange) throws IOException {
    ObjectNode out = JSON.createObjectNode();
    out.put("issuer", issuer());
    out.put("authorization_endpoint", issuer() + "/authorize");
    out.put("token_endpoint", issuer() + "/token");
    out.put("jwks_uri", issuer() + "/jwks");
    out.putArray("response_types_supported").add("code");
    out.putArray("subject_types_supported").add("public");
    out.putArray("id_token_signing_alg_values_supported").add("RS256");
    send(exchange, 200, JSON.writeValueAsBytes(out));
  }

  private void jwks(HttpExchange exchange) throws IOException {
    send(exchange, 200, new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8));
  }

  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form =
        query(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((CLIENT_ID + ":" + CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
    if (!basic.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
      error(exchange, 401, "invalid_client");
      return;
    }
    String code = form.get("code");
    Grant grant = code == null ? null : codes.get(code);
    if (grant == null || !used.add(code)) {
      error(exchange, 400, "invalid_grant");
      return;
    }
    if (grant.redirectUri() != null && !grant.redirectUri().equals(form.get("redirect_uri"))) {
      error(exchange, 400, "invalid_grant");
      return;
    }
    if (grant.challenge() != null
        && (form.get("code_verifier") == null
            || !grant.challenge().equals(s256(form.get("code_verifier"))))) {
      error(exchange, 400, "invalid_grant");
      return;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("access_token", "at-" + UUID.randomUUID());
    out.put("token_type", "Bearer");
    out.put("expires_in", 300);
    out.put("id_token", idToken(grant));
    send(exchange, 200, JSON.writeValueAsBytes(out));
  }

  private String idToken(Grant grant) {
    Instant now = Instant.now();
    Mode mode = grant.mode();
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .issuer(mode == Mode.WRONG_ISSUER ? issuer() + "/other" : issuer())
            .subject(grant.person().subject())
            .audience(mode == Mode.WRONG_AUDIENCE ? List.of("someone-else") : List.of(CLIENT_ID))
            .issueTime(Date.from(mode == Mode.EXPIRED ? now.minusSeconds(3600) : now))
            .expirationTime(
                Date.from(mode == Mode.EXPIRED ? now.minusSeconds(1800) : now.plusSeconds(300)))
            .claim("email", grant.person().email())
            .claim("email_verified", grant.person().emailVerified())
            .claim("name", grant.person().name());
    if (grant.nonce() != null) {
      claims.claim("nonce", mode == Mode.WRONG_NONCE ? "not-the-nonce" : grant.nonce());
    }
    JWTClaimsSet set = claims.build();
    try {
      switch (mode) {
        case ALG_NONE -> {
          return new PlainJWT(set).serialize();
        }
        case HMAC_WITH_PUBLIC_KEY -> {
          SignedJWT jwt =
              new SignedJWT(
                  new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(), set);
          jwt.sign(new MACSigner(key.toRSAPublicKey().getEncoded()));
          return jwt.serialize();
        }
        case UNKNOWN_KEY -> {
          RSAKey other = newKey();
          SignedJWT jwt =
              new SignedJWT(
                  new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(other.getKeyID()).build(), set);
          jwt.sign(new RSASSASigner(other));
          return jwt.serialize();
        }
        default -> {
          SignedJWT jwt =
              new SignedJWT(
                  new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), set);
          jwt.sign(new RSASSASigner(key));
          return jwt.serialize();
        }
      }
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private void error(HttpExchange exchange, int status, String code) throws IOException {
    send(exchange, status, ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (down) {
      status = 503;
      body = "{}".getBytes(StandardCharsets.UTF_8);
    }
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** Decoded query or form parameters (first value of each). */
  public static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(name, value);
    }
    return out;
  }

  private static String s256(String verifier) {
    try {
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(
              MessageDigest.getInstance("SHA-256")
                  .digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
