package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The authentication cache never outlives a change made on this node: every token below is used
 * first (so it is cached), then changed, then refused on the very next request.
 */
class AuthCacheTest extends ServerSuite {
  private static final String TOKENS = "/api/v0/user/api-tokens";

  private String cachedKey(TestUser user) {
    String key = server.issueKey(user);
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(200);
    return key;
  }

  @Test
  void aRevokedKeyIsRefusedOnTheNextRequest() {
    TestUser user = newUser();
    String key = cachedKey(user);
    String id = api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText();

    assertThat(api.delete(TOKENS + "/" + id, user.token()).status()).isEqualTo(204);

    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(401);
  }

  @Test
  void aLoggedOutTokenIsRefusedOnTheNextRequest() {
    TestUser user = newUser();
    String session = server.issueSessionToken(user);
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(200);

    api.post("/api/v0/auth/logout", session, null);

    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
  }

  @Test
  void aDeletedUsersTokensAreRefusedOnTheNextRequest() {
    TestUser user = newUser();
    String key = cachedKey(user);
    String session = server.issueSessionToken(user);
    api.get("/api/v0/user", session);

    api.delete("/api/v0/user", user.token());

    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(401);
    assertThat(api.get("/api/v0/user", session).status()).isEqualTo(401);
  }

  @Test
  void anExpiredKeyIsRefusedEvenWhileCached() {
    TestUser user = newUser();
    Instant expiry = clock.instant().plusMillis(500);
    String key =
        api.post(TOKENS, user.token(), "{\"expires_at\":\"" + expiry + "\"}")
            .json()
            .get("token")
            .asText();
    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(200);

    clock.set(expiry);

    assertThat(api.get("/api/v0/user", key).status()).isEqualTo(401);
  }

  @Test
  void aRenameShowsOnTheNextRequestWithAnyToken() {
    TestUser user = newUser();
    String key = cachedKey(user);

    api.patch("/api/v0/user", user.token(), "{\"name\":\"Renamed\"}");

    assertThat(api.get("/api/v0/user", key).json().get("name").asText()).isEqualTo("Renamed");
  }

  @Test
  void aChangeMadeBehindThisServicesBackShowsWithinTheShortTtl() {
    TestUser user = newUser();
    String key = cachedKey(user);
    String id = api.get(TOKENS, user.token()).json().at("/api_tokens/0/id").asText();
    // Revoke behind this node's back, as another node would.
    java.util.UUID tokenId = java.util.UUID.fromString(id);
    server
        .server()
        .database()
        .tokens()
        .deletePersonal(
            user.id(),
            tokenId,
            new SecurityEvent(
                java.util.UUID.randomUUID(),
                user.id(),
                SecurityEventType.API_TOKEN_REVOKED,
                clock.instant(),
                null,
                null,
                null,
                tokenId));

    Response stillCached = api.get("/api/v0/user", key);
    clock.advance(Duration.ofMillis(1001));
    Response afterTtl = api.get("/api/v0/user", key);

    if (backend == Backend.SQLITE) {
      // Nothing tells it (PostgreSQL's store notifies every node, this one included: the entry
      // may be gone already, PushInvalidationTest measures how soon).
      assertThat(stillCached.status()).isEqualTo(200);
    }
    assertThat(afterTtl.status()).isEqualTo(401);
  }
}
