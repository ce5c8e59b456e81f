package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthenticationTest extends ServerSuite {
  private static final String[][] PROTECTED = {
    {"GET", "/api/v0/user"},
    {"PATCH", "/api/v0/user"},
    {"DELETE", "/api/v0/user"},
    {"GET", "/api/v0/user/api-tokens"},
    {"POST", "/api/v0/user/api-tokens"},
    {"DELETE", "/api/v0/user/api-tokens/00000000-0000-7000-8000-000000000000"},
    {"POST", "/api/v0/auth/logout"},
    {"POST", "/api/v0/auth/sessions"},
  };

  @Test
  void everyProtectedEndpointRefusesAMissingToken() {
    for (String[] endpoint : PROTECTED) {
      Response response = api.send(endpoint[0], endpoint[1], null, null);

      assertThat(response.status()).as(endpoint[0] + " " + endpoint[1]).isEqualTo(401);
      assertThat(response.code()).isEqualTo("unauthorized");
      assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer ",
        "Bearer hm_unknown",
        "Bearer hm_ with space",
        "Token abc",
        "bearer\thm_x",
        "Bearer hm_\u00e9",
      })
  void malformedOrUnknownCredentialsAre401(String authorization) {
    newUser();

    Response response =
        api.send(api.request("/api/v0/user").header("Authorization", authorization).GET());

    assertThat(response.status()).isEqualTo(401);
    assertThat(response.code()).isEqualTo("unauthorized");
    assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"harmont\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Bearer", "bearer", "BEARER", "bEaReR"})
  void theSchemeIsCaseInsensitive(String scheme) {
    TestUser user = newUser();

    Response response =
        api.send(
            api.request("/api/v0/user").header("Authorization", scheme + " " + user.token()).GET());

    assertThat(response.status()).isEqualTo(200);
  }

  @Test
  void aVeryLongTokenIs401NotAnError() {
    newUser();

    Response response = api.get("/api/v0/user", "hm_" + "a".repeat(5000));

    assertThat(response.status()).isEqualTo(401);
  }

  @Test
  void aTokenIsNotAcceptedWithoutItsPrefix() {
    TestUser user = newUser();

    assertThat(api.get("/api/v0/user", user.token().substring(3)).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", user.token() + "x").status()).isEqualTo(401);
  }

  @Test
  void sessionTokensAuthenticateButAreNotListed() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);

    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/user/api-tokens", session).json().get("api_tokens")).hasSize(1);
  }
}
