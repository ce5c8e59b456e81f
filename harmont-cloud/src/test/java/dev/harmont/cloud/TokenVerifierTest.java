package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.admin.Admin;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@link TokenVerifier} against the real server: answers, the cache and its TTL, revocation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenVerifierTest {
  private TestServer server;
  private final AtomicLong nanos = new AtomicLong();

  @BeforeAll
  void startServer() {
    server = TestServer.start();
  }

  @AfterAll
  void stopServer() {
    server.close();
  }

  private String newService(String name) {
    try (Admin admin = Admin.open(server.databaseSettings())) {
      return admin.createService(name + "-" + System.nanoTime()).secret();
    }
  }

  private TokenVerifier.Builder verifier(String secret) {
    return TokenVerifier.builder()
        .baseUrl(server.baseUri().toString())
        .serviceSecret(secret)
        .nanoTime(nanos::get);
  }

  private void revokeAll(TestUser user) {
    HarmontClient client =
        HarmontClient.builder().baseUrl(server.baseUri()).token(user.token()).build();
    client.listApiTokens().apiTokens().forEach(t -> client.revokeApiToken(t.id()));
  }

  @Test
  void aValidKeyIsVerifiedWithWhoItIs() {
    TestUser user = server.newUser();

    Optional<VerifiedToken> who = verifier(newService("sdk")).build().verify(user.token());

    assertThat(who).isPresent();
    assertThat(who.get().userId()).isEqualTo(user.id());
    assertThat(who.get().email()).isEqualTo(user.email());
    assertThat(who.get().kind()).isEqualTo("personal");
    assertThat(who.get().organization()).isNotBlank();
    assertThat(who.get().expiresAt()).isNull();
  }

  @Test
  void anythingElseIsEmpty() {
    TokenVerifier verifier = verifier(newService("sdk")).build();

    assertThat(verifier.verify(null)).isEmpty();
    assertThat(verifier.verify(" ")).isEmpty();
    assertThat(verifier.verify("hm_" + "A".repeat(49))).isEmpty();
    assertThat(verifier.verify("not a token at all")).isEmpty();
  }

  @Test
  void aRevokedKeyIsServedFromTheCacheUntilTheTtlEnds() {
    TestUser user = server.newUser();
    TokenVerifier verifier = verifier(newService("sdk")).cacheTtl(Duration.ofSeconds(5)).build();
    assertThat(verifier.verify(user.token())).isPresent();

    revokeAll(user);

    nanos.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(verifier.verify(user.token())).as("within the TTL").isPresent();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(verifier.verify(user.token())).as("at the TTL").isEmpty();
  }

  @Test
  void withoutCacheARevokedKeyIsRefusedAtOnce() {
    TestUser user = server.newUser();
    TokenVerifier verifier = verifier(newService("sdk")).cacheTtl(Duration.ZERO).build();
    assertThat(verifier.verify(user.token())).isPresent();

    revokeAll(user);

    assertThat(verifier.verify(user.token())).isEmpty();
  }

  @Test
  void theCacheIsBounded() {
    TestUser first = server.newUser();
    TestUser second = server.newUser();
    TokenVerifier verifier = verifier(newService("sdk")).maxEntries(1).build();
    verifier.verify(first.token());
    verifier.verify(second.token()); // evicts the first

    revokeAll(first);

    assertThat(verifier.verify(first.token())).as("asked again: evicted").isEmpty();
  }

  @Test
  void aRevokedServiceCredentialIsAnAuthenticationException() {
    TestUser user = server.newUser();
    String name = "gone-" + System.nanoTime();
    String secret;
    try (Admin admin = Admin.open(server.databaseSettings())) {
      secret = admin.createService(name).secret();
      admin.revokeService(name);
    }

    assertThatThrownBy(() -> verifier(secret).build().verify(user.token()))
        .isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("unauthorized")
        .hasMessageNotContaining(user.token());
  }

  @Test
  void theBuilderRefusesWhatCannotWork() {
    assertThatThrownBy(() -> TokenVerifier.builder().serviceSecret("hm_personal"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.builder().baseUrl("ftp://x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.builder().cacheTtl(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenVerifier.builder().baseUrl("http://127.0.0.1:1").build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(verifier(newService("sdk")).build().toString()).doesNotContain("hms_");
  }
}
