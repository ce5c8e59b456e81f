package dev.harmont.server.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local GitHub answering what GitHub's documentation shows, since the real one cannot be reached
 * from the tests: {@code POST /login/oauth/access_token} (form in, JSON out with {@code Accept:
 * application/json}, a refused code is 200 with {@code "error": "bad_verification_code"}), {@code
 * GET /user} and {@code GET /user/emails} with the access token. Web and API share one port (the
 * server takes them as two settings).
 */
public final class FakeGithub implements AutoCloseable {
  public static final String CLIENT_ID = "Iv1.test-client";
  public static final String CLIENT_SECRET = "github-test-secret";

  /** A GitHub user and their primary address. */
  public record Account(long id, String login, String name, String email, boolean verified) {}

  private record Grant(Account account, String challenge) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer http;
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Set<String> used = ConcurrentHashMap.newKeySet();
  private final Map<String, Account> tokens = new ConcurrentHashMap<>();

  public FakeGithub() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/login/oauth/access_token", this::accessToken);
    http.createContext("/user", this::user);
    http.start();
  }

  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** GitHub's authorize step: checks the redirect and returns its query with the {@code code}. */
  public Map<String, String> authorize(URI authorizationRequest, Account account) {
    if (!authorizationRequest.toString().startsWith(url() + "/login/oauth/authorize?")) {
      throw new AssertionError("not GitHub's authorize URL: " + authorizationRequest);
    }
    Map<String, String> query = FakeIssuer.query(authorizationRequest.getRawQuery());
    if (!CLIENT_ID.equals(query.get("client_id"))
        || !"S256".equals(query.get("code_challenge_method"))) {
      throw new AssertionError("incomplete authorize request: " + query);
    }
    String code = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    codes.put(code, new Grant(account, query.get("code_challenge")));
    Map<String, String> out = new HashMap<>(query);
    out.put("code", code);
    return out;
  }

  /** A code as GitHub gives an SPA that did the redirect itself (no PKCE). */
  public String codeFor(Account account) {
    String code = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
    codes.put(code, new Grant(account, null));
    return code;
  }

  private void accessToken(HttpExchange exchange) throws IOException {
    Map<String, String> form =
        FakeIssuer.query(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    ObjectNode out = JSON.createObjectNode();
    Grant grant = codes.get(form.getOrDefault("code", ""));
    boolean ok =
        CLIENT_ID.equals(form.get("client_id"))
            && CLIENT_SECRET.equals(form.get("client_secret"))
            && grant != null
            && used.add(form.get("code"))
            && (grant.challenge() == null
                || (form.get("code_verifier") != null
                    && grant.challenge().equals(s256(form.get("code_verifier")))));
    if (!ok) {
      out.put("error", "bad_verification_code");
      out.put("error_description", "The code passed is incorrect or expired.");
    } else {
      String token = "gho_" + UUID.randomUUID().toString().replace("-", "");
      tokens.put(token, grant.account());
      out.put("access_token", token);
      out.put("token_type", "bearer");
      out.put("scope", "read:user,user:email");
    }
    send(exchange, 200, JSON.writeValueAsBytes(out));
  }

  private void user(HttpExchange exchange) throws IOException {
    String auth = exchange.getRequestHeaders().getFirst("Authorization");
    Account account = auth == null ? null : tokens.get(auth.replaceFirst("^Bearer ", ""));
    if (account == null) {
      send(exchange, 401, "{\"message\":\"Bad credentials\"}".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (exchange.getRequestURI().getPath().equals("/user/emails")) {
      ArrayNode emails = JSON.createArrayNode();
      emails
          .addObject()
          .put("email", account.id() + "+" + account.login() + "@users.noreply.github.com")
          .put("primary", false)
          .put("verified", true)
          .putNull("visibility");
      emails
          .addObject()
          .put("email", account.email())
          .put("primary", true)
          .put("verified", account.verified())
          .put("visibility", "private");
      send(exchange, 200, JSON.writeValueAsBytes(emails));
      return;
    }
    ObjectNode user = JSON.createObjectNode();
    user.put("login", account.login());
    user.put("id", account.id());
    user.put("name", account.name());
    user.putNull("email");
    send(exchange, 200, JSON.writeValueAsBytes(user));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
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

  @Override
  public void close() {
    http.stop(0);
  }
}
