package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.harmont.server.testing.TcpProxy;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The POSTs against the real server when their answer is lost on the way back: a TCP proxy forwards
 * the request, the server carries it out, and the proxy resets the connection instead of passing
 * the answer on. The SDK retries with the call's Idempotency-Key and gets the first answer: the
 * change happened once.
 */
class LostAnswerTest {
  private TestServer server;
  private TcpProxy proxy;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = TestServer.start();
    proxy = TcpProxy.to("127.0.0.1", server.baseUri().getPort());
  }

  @AfterEach
  void stop() {
    proxy.close();
    server.close();
  }

  /** A client through the proxy; its waits are recorded, not slept. */
  private HarmontClient throughProxy(String token) {
    return HarmontClient.builder()
        .baseUrl("http://127.0.0.1:" + proxy.port())
        .token(token)
        .sleeper(sleeps::add)
        .build();
  }

  private HarmontClient direct(String token) {
    return HarmontClient.builder().baseUrl(server.baseUri()).token(token).build();
  }

  private static long count(HarmontClient client, String type) {
    return StreamSupport.stream(
            client.listEventsAutoPaging(EventListParams.builder().build()).spliterator(), false)
        .filter(e -> e.type().equals(type))
        .count();
  }

  @Test
  void aRotationWhoseAnswerIsLostStillReturnsTheNewSecretAndRotatesOnce() {
    TestUser user = server.newUser();
    HarmontClient client = throughProxy(user.token());
    String id = client.getCurrentToken().id();

    proxy.dropNextAnswer();
    CreatedApiToken rotated = client.rotateApiToken(id, ApiTokenRotate.builder().build());

    assertThat(sleeps).as("the first answer was lost, so the call was retried").hasSize(1);
    assertThat(rotated.apiToken().id()).isEqualTo(id);
    HarmontClient withNewSecret = direct(rotated.secret());
    assertThat(withNewSecret.getCurrentUser().uuid()).isEqualTo(user.id());
    // The key used for the call was the one rotated (no grace): its old secret stopped at once,
    // yet the retry, sent with it, got the rotation's answer.
    AuthenticationException old =
        catchThrowableOfType(AuthenticationException.class, direct(user.token())::getCurrentUser);
    assertThat(old.code()).isEqualTo("unauthorized");
    assertThat(count(withNewSecret, "api_token.rotated")).isEqualTo(1);
  }

  @Test
  void aCreateWhoseAnswerIsLostCreatesOneKey() {
    TestUser user = server.newUser();
    HarmontClient client = throughProxy(user.token());

    proxy.dropNextAnswer();
    CreatedApiToken created =
        client.createApiToken(ApiTokenCreate.builder().description("once").build());

    assertThat(sleeps).hasSize(1);
    assertThat(direct(created.secret()).getCurrentUser().uuid()).isEqualTo(user.id());
    assertThat(client.listApiTokens().apiTokens())
        .extracting(ApiToken::description)
        .containsOnlyOnce("once");
    assertThat(count(client, "api_token.created")).isEqualTo(2); // the user's first key, this one
  }

  @Test
  void aLogoutWhoseAnswerIsLostSucceedsOnItsRetry() {
    TestUser user = server.newUser();
    String session = server.issueSessionToken(user);
    HarmontClient client = throughProxy(session);

    proxy.dropNextAnswer();
    client.logout();

    assertThat(sleeps).hasSize(1);
    assertThat(catchThrowableOfType(AuthenticationException.class, client::getCurrentUser))
        .isNotNull();
    assertThat(count(direct(user.token()), "session.ended")).isEqualTo(1);
  }
}
