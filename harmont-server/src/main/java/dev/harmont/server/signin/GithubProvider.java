package dev.harmont.server.signin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Pkce;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * GitHub: OAuth 2 without OpenID Connect. The browser goes to {@code /login/oauth/authorize} (with
 * {@code state} and PKCE S256); the code is traded at {@code /login/oauth/access_token}, then the
 * person is {@code GET /user} (the numeric {@code id} is the subject) and their address the primary
 * one of {@code GET /user/emails}, verified only when GitHub says {@code verified: true}. The
 * issuer of a GitHub identity is GitHub's URL.
 */
final class GithubProvider implements SsoProvider {
  static final String NAME = "GitHub";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final System.Logger LOG = System.getLogger(GithubProvider.class.getName());

  private final SsoSettings.Github settings;
  private final HttpClient http;

  GithubProvider(SsoSettings.Github settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  @Override
  public String key() {
    return "github";
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean available() {
    return true;
  }

  private String base() {
    String url = settings.url().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private String apiBase() {
    String url = settings.apiUrl().toString();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  @Override
  public URI authorization(URI redirectUri, String state, String nonce, String codeVerifier) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("client_id", settings.clientId());
    query.put("redirect_uri", redirectUri.toString());
    query.put("scope", "read:user user:email");
    query.put("state", state);
    query.put("code_challenge", Pkce.s256(codeVerifier));
    query.put("code_challenge_method", "S256");
    query.put("allow_signup", "false");
    return URI.create(base() + "/login/oauth/authorize?" + form(query));
  }

  @Override
  public Identity exchange(String code, URI redirectUri, String codeVerifier, String nonce) {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("client_id", settings.clientId());
    form.put("client_secret", settings.clientSecret());
    form.put("code", code);
    if (redirectUri != null) {
      form.put("redirect_uri", redirectUri.toString());
    }
    if (codeVerifier != null) {
      form.put("code_verifier", codeVerifier);
    }
    JsonNode token =
        send(
            HttpRequest.newBuilder(URI.create(base() + "/login/oauth/access_token"))
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(form))));
    // GitHub answers a refused code with 200 and {"error": "bad_verification_code", …}.
    String accessToken = token.path("access_token").asText("");
    if (accessToken.isEmpty()) {
      LOG.log(
          System.Logger.Level.INFO,
          "GitHub refused the code: " + token.path("error").asText("no access_token"));
      throw new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
    }
    JsonNode user = send(api("/user", accessToken));
    String id = user.path("id").asText("");
    if (id.isEmpty()) {
      throw new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
    }
    String email = null;
    boolean verified = false;
    for (JsonNode entry : send(api("/user/emails", accessToken))) {
      if (entry.path("primary").asBoolean(false)) {
        email = entry.path("email").asText(null);
        verified = entry.path("verified").asBoolean(false);
      }
    }
    String name = user.path("name").asText("");
    return new Identity(
        base(), id, email, verified, name.isBlank() ? user.path("login").asText(null) : name);
  }

  private HttpRequest.Builder api(String path, String accessToken) {
    return HttpRequest.newBuilder(URI.create(apiBase() + path))
        .header("Accept", "application/vnd.github+json")
        .header("Authorization", "Bearer " + accessToken)
        .header("X-GitHub-Api-Version", "2022-11-28")
        .GET();
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      LOG.log(System.Logger.Level.WARNING, "GitHub unreachable: " + e.getMessage());
      throw new HarmontException(
          ErrorCode.SSO_PROVIDER_UNAVAILABLE, "GitHub could not be reached. Try again shortly.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HarmontException(ErrorCode.SSO_PROVIDER_UNAVAILABLE);
    }
    if (response.statusCode() >= 500) {
      throw new HarmontException(
          ErrorCode.SSO_PROVIDER_UNAVAILABLE, "GitHub could not be reached. Try again shortly.");
    }
    if (response.statusCode() != 200) {
      LOG.log(System.Logger.Level.INFO, "GitHub answered " + response.statusCode());
      throw new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
    }
  }

  private static String form(Map<String, String> values) {
    return values.entrySet().stream()
        .map(
            e ->
                URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                    + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
