package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CurrentUserApiTest extends ServerSuite {

  @Test
  void getCurrentUserReturnsTheUserAndPersonalOrgSlug() {
    TestUser ada = server.newUser("Ada.Lovelace@Example.org", "Ada Lovelace");

    Response response = api.get("/api/v0/user", ada.token());

    assertThat(response.status()).isEqualTo(200);
    JsonNode user = response.json();
    assertThat(user.get("uuid").asText()).isEqualTo(ada.id().toString());
    assertThat(user.get("email").asText()).isEqualTo("ada.lovelace@example.org");
    assertThat(user.get("name").asText()).isEqualTo("Ada Lovelace");
    assertThat(user.get("personal_org_slug").asText()).isEqualTo("ada-lovelace-example-org");
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
    assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  void slugsOfSimilarEmailsAreMadeUnique() {
    startOwnServer(); // the numbered slugs need a database where nobody else took the first one
    TestUser first = server.newUser("ada.lovelace@example.org", "A");
    TestUser second = server.newUser("ada-lovelace@example.org", "B");
    TestUser third = server.newUser("ada_lovelace@example.org", "C");

    assertThat(api.get("/api/v0/user", first.token()).json().get("personal_org_slug").asText())
        .isEqualTo("ada-lovelace-example-org");
    assertThat(api.get("/api/v0/user", second.token()).json().get("personal_org_slug").asText())
        .isEqualTo("ada-lovelace-example-org-2");
    assertThat(api.get("/api/v0/user", third.token()).json().get("personal_org_slug").asText())
        .isEqualTo("ada-lovelace-example-org-3");
  }

  @Test
  void updateCurrentUserTrimsAndStoresTheName() {
    TestUser user = newUser();

    Response response =
        api.patch("/api/v0/user", user.token(), "{\"name\":\"  Grace Hopper \\t\"}");

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.json().get("name").asText()).isEqualTo("Grace Hopper");
    assertThat(api.get("/api/v0/user", user.token()).json().get("name").asText())
        .isEqualTo("Grace Hopper");
  }

  @Test
  void nameLimitCountsCodePointsNotUtf16Units() {
    TestUser user = newUser();
    String emoji255 = "😀".repeat(255);

    Response ok = api.patch("/api/v0/user", user.token(), "{\"name\":\"" + emoji255 + "\"}");
    Response tooLong = api.patch("/api/v0/user", user.token(), "{\"name\":\"" + emoji255 + "😀\"}");

    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().get("name").asText()).isEqualTo(emoji255);
    assertThat(tooLong.status()).isEqualTo(422);
    assertThat(tooLong.code()).isEqualTo("user_name_invalid");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\":\"\"}",
        "{\"name\":\"   \"}",
        "{\"name\":null}",
        "{}",
        "{\"nom\":\"Ada\"}",
        "{\"name\":\"Ada\\u0000Lovelace\"}",
        "{\"name\":\"Ada\\nLovelace\"}",
        "{\"name\":\"Ada\\u007f\"}",
        "{\"name\":\"\\ud800\"}",
        "{\"name\":\"\\udc00x\"}",
      })
  void invalidNamesAre422WithUpstreamsExactError(String body) {
    TestUser user = newUser();

    Response response = api.patch("/api/v0/user", user.token(), body);

    assertThat(response.status()).isEqualTo(422);
    JsonNode error = response.json().get("error");
    assertThat(error.get("code").asText()).isEqualTo("user_name_invalid");
    assertThat(error.get("type").asText()).isEqualTo("invalid_request");
    assertThat(error.get("message").asText())
        .isEqualTo("Display name must be between 1 and 255 characters.");
    assertThat(api.get("/api/v0/user", user.token()).json().get("name").asText())
        .isEqualTo(user.name());
  }

  @Test
  void updateWithoutABodyIs422() {
    TestUser user = newUser();

    Response response = api.send("PATCH", "/api/v0/user", user.token(), null);

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.code()).isEqualTo("user_name_invalid");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{\"name\":123}", "{\"name\":true}", "{\"name\":[\"Ada\"]}", "{\"name\":{}}"})
  void aNameThatIsNotAStringIsNotCoerced(String body) {
    TestUser user = newUser();

    Response response = api.patch("/api/v0/user", user.token(), body);

    assertThat(response.status()).isEqualTo(422);
    assertThat(response.code()).isEqualTo("field_type_invalid");
    assertThat(response.json().at("/error/message").asText()).contains("`name`");
  }

  @Test
  void deleteCurrentUserRevokesEveryTokenAndFreesTheSlug() {
    TestUser user = server.newUser("grace@example.org", "Grace");
    String secondKey = server.issueKey(user);
    String session = server.issueSessionToken(user);

    Response response = api.delete("/api/v0/user", user.token());

    assertThat(response.status()).isEqualTo(204);
    assertThat(response.body()).isEmpty();
    for (String token : new String[] {user.token(), secondKey, session}) {
      assertThat(api.get("/api/v0/user", token).status()).isEqualTo(401);
    }
    TestUser again = server.newUser("grace@example.org", "Grace again");
    assertThat(api.get("/api/v0/user", again.token()).json().get("personal_org_slug").asText())
        .isEqualTo("grace-example-org");
  }

  @Test
  void deletingOneUserLeavesOthersAlone() {
    TestUser doomed = newUser();
    TestUser other = newUser();

    api.delete("/api/v0/user", doomed.token());

    assertThat(api.get("/api/v0/user", other.token()).status()).isEqualTo(200);
    assertThat(api.get("/api/v0/user/api-tokens", other.token()).json().get("api_tokens"))
        .hasSize(1);
  }

  @Test
  void logoutRevokesOnlyTheTokenUsed() {
    TestUser user = newUser();
    String other = server.issueKey(user);
    String session = server.issueSessionToken(user);

    assertThat(api.post("/api/v0/auth/logout", session, null).status()).isEqualTo(204);
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
    assertThat(api.post("/api/v0/auth/logout", session, null).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200);

    assertThat(api.post("/api/v0/auth/logout", other, null).status()).isEqualTo(204);
    assertThat(api.get("/api/v0/user", other).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", user.token()).status()).isEqualTo(200);
  }
}
