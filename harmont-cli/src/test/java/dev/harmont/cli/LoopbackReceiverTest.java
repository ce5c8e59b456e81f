package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback listener: 127.0.0.1 only, one callback with this login's state, the rest 400. */
class LoopbackReceiverTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private WebLoginSecrets secrets;
  private LoopbackReceiver receiver;

  @BeforeEach
  void listen() throws Exception {
    secrets = WebLoginSecrets.random(new SecureRandom());
    receiver = LoopbackReceiver.start(secrets);
  }

  @AfterEach
  void close() {
    receiver.close();
    http.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    URI base = receiver.redirectUri();
    return http.send(
        HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> getLater(String pathAndQuery) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return get(pathAndQuery);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void listensOnTheIpv4LoopbackAddressOnly() {
    URI uri = receiver.redirectUri();
    assertThat(uri.getScheme()).isEqualTo("http");
    assertThat(uri.getHost()).isEqualTo("127.0.0.1");
    assertThat(uri.getPort()).isPositive();
    assertThat(uri.getPath()).isEqualTo("/callback");
  }

  @Test
  void callbacksWithoutThisLoginsStateAre400AndIgnored() throws Exception {
    String code = "c0de";
    for (String query :
        new String[] {
          "?code=" + code,
          "?code=" + code + "&state=wrong",
          "?code=" + code + "&state=" + enc(secrets.state()) + "x",
          "?error=access_denied&state=forged",
          "?state=" + enc(secrets.state()), // neither code nor error
          "?code=a&error=access_denied&state=" + enc(secrets.state()), // both
          "?code=a&code=b&state=" + enc(secrets.state()), // repeated
          "?code=a&state=" + enc(secrets.state()) + "&state=" + enc(secrets.state()),
        }) {
      HttpResponse<String> answer = get("/callback" + query);
      assertThat(answer.statusCode()).as(query).isEqualTo(400);
      assertThat(answer.body()).contains("ignored");
    }
    assertThat(get("/elsewhere?code=a&state=" + enc(secrets.state())).statusCode()).isEqualTo(404);

    assertThatThrownBy(() -> receiver.await(Duration.ofMillis(200)))
        .isInstanceOf(TimeoutException.class);
  }

  @Test
  void theMatchingCallbackIsAnsweredWithWhatTheLoginSaysAndOnlyOnce() throws Exception {
    var browser = getLater("/callback?code=the-code&state=" + enc(secrets.state()));

    LoopbackReceiver.Callback callback = receiver.await(Duration.ofSeconds(10));
    assertThat(callback).isInstanceOf(LoopbackReceiver.Code.class);
    assertThat(((LoopbackReceiver.Code) callback).code()).isEqualTo("the-code");
    assertThat(callback.toString()).doesNotContain("the-code");
    // A second callback, even with the right state, is refused while the first is answered.
    HttpResponse<String> second = get("/callback?code=other&state=" + enc(secrets.state()));
    assertThat(second.statusCode()).isEqualTo(400);

    callback.page().show(200, "Signed <in>", "You can close this tab.");
    HttpResponse<String> page = browser.get();
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Signed &lt;in&gt;").contains("You can close this tab.");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
  }

  @Test
  void aCancelIsACallbackToo() throws Exception {
    var browser = getLater("/callback?error=access_denied&state=" + enc(secrets.state()));

    LoopbackReceiver.Callback callback = receiver.await(Duration.ofSeconds(10));
    assertThat(callback).isInstanceOf(LoopbackReceiver.Denied.class);
    assertThat(((LoopbackReceiver.Denied) callback).error()).isEqualTo("access_denied");
    callback.page().show(200, "Sign-in cancelled", "closed");
    assertThat(browser.get().statusCode()).isEqualTo(200);
  }

  @Test
  void closingStopsListening() throws Exception {
    URI uri = receiver.redirectUri();
    receiver.close();

    assertThatThrownBy(
            () ->
                http.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
  }
}
