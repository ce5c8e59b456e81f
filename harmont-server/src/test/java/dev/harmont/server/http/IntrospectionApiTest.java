package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.ServiceCredential;
import dev.harmont.server.admin.Admin;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * POST /api/v0/oauth/introspect (RFC 7662) and the service credentials it needs, on both databases:
 * every inactive case answers exactly {"active":false}, and a service credential opens nothing
 * else.
 */
class IntrospectionApiTest extends ServerSuite {
  private static final String INTROSPECT = "/api/v0/oauth/introspect";
  private static int services;

  /** A new service credential's secret, made as an operator would (admin create-service). */
  private String newService() {
    try (Admin admin = Admin.open(server.databaseSettings())) {
      return admin.createService("svc-" + (++services) + "-" + System.nanoTime()).secret();
    }
  }

  private Response introspect(String authorization, String form) {
    HttpRequest.Builder request =
        api.request(INTROSPECT)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return api.send(request);
  }

  private Response introspectToken(String service, String token) {
    return introspect(
        "Bearer " + service, "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
  }

  @Test
  void anActiveKeyIsDescribed() {
    TestUser user = newUser();
    String service = newService();

    Response answer = introspectToken(service, user.token());

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonNode json = answer.json();
    assertThat(json.get("active").asBoolean()).isTrue();
    assertThat(json.get("sub").asText()).isEqualTo(user.id().toString());
    assertThat(json.get("username").asText()).isEqualTo(user.email());
    assertThat(json.get("token_type").asText()).isEqualTo("personal");
    assertThat(json.get("client_id").asText())
        .isEqualTo(api.get("/api/v0/auth/token", user.token()).json().get("id").asText());
    assertThat(json.get("harmont_org").asText())
        .isEqualTo(api.get("/api/v0/user", user.token()).json().get("personal_org_slug").asText());
    assertThat(json.get("iat").asLong()).isPositive();
    assertThat(json.has("exp")).isFalse(); // this key never expires
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void aSessionIsActiveWithItsExpiry() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);

    JsonNode json = introspectToken(newService(), session).json();

    assertThat(json.get("active").asBoolean()).isTrue();
    assertThat(json.get("token_type").asText()).isEqualTo("session");
    assertThat(json.get("exp").asLong()).isGreaterThan(json.get("iat").asLong());
  }

  @Test
  void everyInactiveCaseIsExactlyActiveFalse() {
    String service = newService();
    TestUser user = newUser();
    String revoked = server.issueKey(user);
    String revokedId = api.get("/api/v0/auth/token", revoked).json().get("id").asText();
    assertThat(api.delete("/api/v0/user/api-tokens/" + revokedId, user.token()).status())
        .isEqualTo(204);
    String loggedOut = server.issueSessionToken(user);
    assertThat(api.post("/api/v0/auth/logout", loggedOut, null).status()).isEqualTo(204);
    Response created =
        api.post(
            "/api/v0/user/api-tokens",
            user.token(),
            "{\"description\":\"short\",\"expires_at\":\""
                + clock.instant().plus(Duration.ofHours(1))
                + "\"}");
    String expiring = created.json().get("token").asText();
    TestUser deleted = newUser();
    assertThat(api.delete("/api/v0/user", deleted.token()).status()).isEqualTo(204);
    clock.advance(Duration.ofHours(2));

    List<String> inactive =
        List.of(
            "hm_0000000000000000000000000000000000000000000000000", // checksum wrong
            "hm_" + "A".repeat(49), // unknown
            "not a token", // malformed
            "x".repeat(600), // too long
            service, // a service credential is not a bearer token
            revoked,
            loggedOut,
            expiring,
            deleted.token());
    for (String token : inactive) {
      Response answer = introspectToken(service, token);
      assertThat(answer.status()).as(token).isEqualTo(200);
      assertThat(answer.body()).as(token).isEqualTo("{\"active\":false}");
    }
  }

  @Test
  void withoutAValidServiceCredentialIs401() {
    TestUser user = newUser();
    String service = newService();
    String form = "token=" + user.token();

    for (String authorization :
        new String[] {
          null,
          "Bearer " + user.token(), // a user's key is not a service credential
          "Bearer hms_" + "A".repeat(49),
          "Bearer " + service.substring(0, service.length() - 1) + "0",
          "Basic !!!",
          "Digest " + service
        }) {
      Response refused = introspect(authorization, form);
      assertThat(refused.status()).as(String.valueOf(authorization)).isEqualTo(401);
      assertThat(refused.code()).isEqualTo("unauthorized");
      assertThat(refused.body()).doesNotContain(user.email());
    }
  }

  @Test
  void refusedServiceCredentialsPastTheFailureLimitAre429() {
    restartWith(config -> config.authFailureLimit(2));
    String service = newService();
    for (int i = 0; i < 2; i++) {
      assertThat(introspect("Bearer hms_guess" + i, "token=x").status()).isEqualTo(401);
    }

    Response limited = introspect("Bearer hms_guess", "token=x");

    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo("rate_limited");
    assertThat(introspectToken(service, "x").body()).isEqualTo("{\"active\":false}");
  }

  @Test
  void httpBasicWithTheServiceNameAndSecretWorks() {
    TestUser user = newUser();
    String name = "basic-" + System.nanoTime();
    String secret;
    try (Admin admin = Admin.open(server.databaseSettings())) {
      secret = admin.createService(name).secret();
    }
    String good =
        Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(StandardCharsets.UTF_8));
    String wrongName =
        Base64.getEncoder().encodeToString(("other:" + secret).getBytes(StandardCharsets.UTF_8));

    Response ok = introspect("Basic " + good, "token=" + user.token() + "&token_type_hint=x");
    Response refused = introspect("Basic " + wrongName, "token=" + user.token());

    assertThat(ok.json().get("active").asBoolean()).isTrue();
    assertThat(ok.json().get("aud").asText()).isEqualTo(name);
    assertThat(refused.status()).isEqualTo(401);
  }

  @Test
  void aServiceCredentialOpensNothingElse() {
    String service = newService();

    for (String path :
        new String[] {"/api/v0/user", "/api/v0/user/api-tokens", "/api/v0/auth/token"}) {
      assertThat(api.get(path, service).status()).as(path).isEqualTo(401);
    }
    assertThat(api.get("/api/v0/auth/verify", service).status()).isEqualTo(401);
  }

  @Test
  void aRevokedServiceCredentialIsRefusedAtOnce() {
    TestUser user = newUser();
    String name = "revoked-" + System.nanoTime();
    String secret;
    try (Admin admin = Admin.open(server.databaseSettings())) {
      secret = admin.createService(name).secret();
    }
    assertThat(introspectToken(secret, user.token()).status()).isEqualTo(200);

    try (Admin admin = Admin.open(server.databaseSettings())) {
      admin.revokeService(name);
      assertThatThrownBy(() -> admin.revokeService(name))
          .isInstanceOf(HarmontException.class)
          .extracting(e -> ((HarmontException) e).code())
          .isEqualTo(ErrorCode.SERVICE_NOT_FOUND);
      ServiceCredential listed =
          admin.listServices().stream()
              .filter(s -> s.name().equals(name))
              .findFirst()
              .orElseThrow();
      assertThat(listed.revokedAt()).isNotNull();
      assertThat(listed.lastUsedAt()).isNotNull();
      assertThat(listed.hint()).isEqualTo(secret.substring(secret.length() - 4));
    }

    assertThat(introspectToken(secret, user.token()).status()).isEqualTo(401);
  }

  @Test
  void namesAreCheckedAndUnique() {
    try (Admin admin = Admin.open(server.databaseSettings())) {
      String name = "unique-" + System.nanoTime();
      admin.createService(name);
      for (String bad : new String[] {"", "Upper", "-dash", "with space", "x".repeat(65)}) {
        assertThatThrownBy(() -> admin.createService(bad))
            .as(bad)
            .extracting(e -> ((HarmontException) e).code())
            .isEqualTo(ErrorCode.SERVICE_NAME_INVALID);
      }
      assertThatThrownBy(() -> admin.createService(name))
          .extracting(e -> ((HarmontException) e).code())
          .isEqualTo(ErrorCode.SERVICE_NAME_TAKEN);
      assertThatThrownBy(() -> admin.revokeService("nobody-" + System.nanoTime()))
          .extracting(e -> ((HarmontException) e).code())
          .isEqualTo(ErrorCode.SERVICE_NOT_FOUND);
    }
  }

  @Test
  void aMissingOrRepeatedTokenIs400AndOtherBodiesAre415() {
    String service = newService();

    Response missing = introspect("Bearer " + service, "token_type_hint=access_token");
    Response twice = introspect("Bearer " + service, "token=a&token=b");
    Response json =
        api.send(
            api.request(INTROSPECT)
                .header("Authorization", "Bearer " + service)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"x\"}")));
    Response badEncoding = introspect("Bearer " + service, "token=%zz");

    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.code()).isEqualTo("introspection_token_missing");
    assertThat(twice.code()).isEqualTo("introspection_token_missing");
    assertThat(json.status()).isEqualTo(415);
    assertThat(badEncoding.code()).isEqualTo("introspection_token_missing");
  }
}
