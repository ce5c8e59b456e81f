package dev.harmont.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.mail.MailQueue;
import dev.harmont.server.mail.OutgoingMail;
import dev.harmont.server.signin.RelyingParty;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.SoftAuthenticator;
import dev.harmont.server.testing.TestUser;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Sign-up, recovery and invitations over HTTP on every backend, with real signatures ({@link
 * SoftAuthenticator}) and the links read from the messages delivered over SMTP (GreenMail): the
 * three flows end to end, every refusal, the hourly limit, the operator's policy, and the answers
 * that must not tell known and unknown addresses apart.
 */
class EmailLinkApiTest extends ServerSuite {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LINK =
      Pattern.compile("(https?://[^\\s\"<>]+/(sign-up|recover))#token=([A-Za-z0-9_-]+)");
  private static final AtomicInteger ADDRESSES = new AtomicInteger();

  // A real SMTP server: every message the tests read went through the outbox and the sender.
  private final GreenMail smtp = startSmtp();
  private final Path keyFile = sealingKey();

  private static GreenMail startSmtp() {
    GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    return smtp;
  }

  private static Path sealingKey() {
    try {
      Path file = Files.createTempFile("harmont-email-link-test", ".key");
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  void stopSmtp() throws IOException {
    smtp.stop();
    Files.deleteIfExists(keyFile);
  }

  /** Mail through the test's SMTP server, sealed with a key every backend accepts. */
  private ServerConfig.Builder mailed(ServerConfig.Builder config) {
    return config
        .smtpUrl("smtp://127.0.0.1:" + smtp.getSmtp().getPort())
        .mailFrom("Harmont <no-reply@example.org>")
        .secretKeyFile(keyFile);
  }

  @Override
  ServerConfig.Builder classSettings(ServerConfig.Builder config) {
    return mailed(config).signUpOpen(true);
  }

  /** A server of this test's own, sending mail like the class's. */
  private void restartMailed(UnaryOperator<ServerConfig.Builder> adjust) {
    restartWith(config -> adjust.apply(mailed(config)));
  }

  private static String newAddress() {
    return "person" + ADDRESSES.incrementAndGet() + "." + System.nanoTime() + "@example.org";
  }

  private SoftAuthenticator device() {
    RelyingParty rp = server.server().relyingParty();
    return new SoftAuthenticator(rp.origin(), rp.id());
  }

  /**
   * Every message delivered so far to {@code to}, oldest first, once the outbox is empty: the
   * sender has then delivered whatever the requests before queued.
   */
  private List<OutgoingMail> mailsTo(String to) {
    MailQueue queue = server.server().database().mailQueue();
    for (int i = 0; queue.pending() > 0; i++) {
      assertThat(i).as("the outbox drains").isLessThan(600);
      sleep();
    }
    List<OutgoingMail> out = new ArrayList<>();
    for (MimeMessage message : smtp.getReceivedMessages()) {
      try {
        if (message.getAllRecipients()[0].toString().equals(to)) {
          MimeMultipart parts = (MimeMultipart) message.getContent();
          out.add(
              new OutgoingMail(
                  to,
                  message.getSubject(),
                  (String) parts.getBodyPart(0).getContent(),
                  (String) parts.getBodyPart(1).getContent()));
        }
      } catch (MessagingException | IOException e) {
        throw new AssertionError(e);
      }
    }
    return out;
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The token of the one link in the latest message to {@code to}, checking its page. */
  private String tokenMailedTo(String to, String page) {
    List<OutgoingMail> mails = mailsTo(to);
    assertThat(mails).isNotEmpty();
    OutgoingMail mail = mails.get(mails.size() - 1);
    Matcher text = LINK.matcher(mail.text());
    assertThat(text.find()).as(mail.text()).isTrue();
    assertThat(text.group(1)).isEqualTo(server.server().relyingParty().origin() + "/" + page);
    assertThat(mail.html()).contains(text.group(0));
    return text.group(3);
  }

  private Response post(String path, String... fields) {
    ObjectNode body = JSON.createObjectNode();
    for (int i = 0; i < fields.length; i += 2) {
      body.put(fields[i], fields[i + 1]);
    }
    return api.post(path, null, body.toString());
  }

  private Response signUpBegin(String email, String name) {
    return post("/api/v0/auth/passkey/signup/begin", "email", email, "name", name);
  }

  private Response recoverBegin(String email) {
    return post("/api/v0/auth/recover/begin", "email", email);
  }

  private Response finalize(
      String path, String tokenField, String token, JsonNode options, SoftAuthenticator device) {
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", options.get("challenge_id").asText());
    body.put(tokenField, token);
    body.set("attestation", device.register(options.get("options")));
    return api.post(path, null, body.toString());
  }

  private Response signUpOptions(String token) {
    return post("/api/v0/auth/passkey/signup/options", "verification_token", token);
  }

  private Response recoverOptions(String token) {
    return post("/api/v0/auth/recover/options", "magic_link_token", token);
  }

  private Response signUpFinalize(String token, JsonNode options, SoftAuthenticator device) {
    return finalize(
        "/api/v0/auth/passkey/signup/finalize", "verification_token", token, options, device);
  }

  private Response recoverFinalize(String token, JsonNode options, SoftAuthenticator device) {
    return finalize("/api/v0/auth/recover/finalize", "magic_link_token", token, options, device);
  }

  private static void assertError(Response response, int status, String code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.code()).isEqualTo(code);
  }

  // ---- Sign-up ----

  @Test
  void aNewcomerSignsUpFromTheEmailedLinkAndThenSignsInWithThePasskeyAlone() {
    String email = newAddress();
    Response begun = signUpBegin(email, "Ada Lovelace");
    assertThat(begun.status()).isEqualTo(204);
    String token = tokenMailedTo(email, "sign-up");

    JsonNode options = signUpOptions(token).json();
    assertThat(options.at("/options/user/name").asText()).isEqualTo(email);
    assertThat(options.at("/options/user/displayName").asText()).isEqualTo("Ada Lovelace");
    assertThat(options.at("/options/authenticatorSelection/residentKey").asText())
        .isEqualTo("required");
    SoftAuthenticator device = device();
    Response signedUp = signUpFinalize(token, options, device);

    assertThat(signedUp.status()).as(signedUp.body()).isEqualTo(200);
    assertThat(signedUp.json().at("/user/email").asText()).isEqualTo(email);
    assertThat(signedUp.json().at("/user/name").asText()).isEqualTo("Ada Lovelace");
    String session = signedUp.json().get("token").asText();
    assertThat(api.get("/api/v0/user", session).json().get("email").asText()).isEqualTo(email);
    assertThat(api.get("/api/v0/user/passkeys", session).json().get("passkeys")).hasSize(1);
    JsonNode events = api.get("/api/v0/user/events", session).json().get("events");
    assertThat(events.findValuesAsText("type")).contains("passkey.added", "session.created");
    assertThat(events.findValuesAsText("method")).contains("sign_up");
    // The passkey alone signs in.
    assertThat(device.signIn(server.baseUri())).isNotBlank();
    // The link worked once.
    assertError(signUpOptions(token), 400, "passkey_token_invalid");
  }

  @Test
  void anAddressWithAnAccountGetsANoteAndNeverASecondAccount() {
    TestUser ada = newUser();
    Response begun = signUpBegin(ada.email(), "Someone Else");

    assertThat(begun.status()).isEqualTo(204);
    List<OutgoingMail> mails = mailsTo(ada.email());
    assertThat(mails).hasSize(1);
    assertThat(mails.get(0).subject()).contains("tried to sign up");
    assertThat(mails.get(0).text()).contains("/recover").doesNotContain("#token=");
  }

  @Test
  void knownAndUnknownAddressesGetByteIdenticalAnswersFromBothBeginEndpoints() {
    TestUser known = newUser();
    String unknown = newAddress();

    Response signUpKnown = signUpBegin(known.email(), "Name");
    Response signUpUnknown = signUpBegin(unknown, "Name");
    Response recoverKnown = recoverBegin(known.email());
    Response recoverUnknown = recoverBegin(newAddress());

    assertThat(signUpKnown.status()).isEqualTo(signUpUnknown.status()).isEqualTo(204);
    assertThat(signUpKnown.body()).isEqualTo(signUpUnknown.body()).isEmpty();
    assertThat(recoverKnown.status()).isEqualTo(recoverUnknown.status()).isEqualTo(204);
    assertThat(recoverKnown.body()).isEqualTo(recoverUnknown.body()).isEmpty();
  }

  @Test
  void theAccountThePasskeyAndTheSpentLinkAreOneTransaction() {
    String email = newAddress();
    signUpBegin(email, "Ada");
    String token = tokenMailedTo(email, "sign-up");
    JsonNode options = signUpOptions(token).json();
    // The address gets an account another way between the options and the finalize.
    server.newUser(email, "Ada");
    SoftAuthenticator device = device();

    assertError(signUpFinalize(token, options, device), 409, "passkey_signup_email_taken");
    // Nothing of the refused sign-up remains: its passkey does not sign in, and the link was not
    // spent (it still checks; the address has its account, so it can never finish).
    JsonNode login = api.post("/api/v0/auth/passkey/login/options", null, "{}").json();
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", login.get("challenge_id").asText());
    body.set("assertion", device.assertion(login.get("options")));
    assertError(
        api.post("/api/v0/auth/passkey/login/finalize", null, body.toString()),
        400,
        "passkey_unknown_credential");
    assertThat(signUpOptions(token).status()).isEqualTo(200);
  }

  @Test
  void aChallengeWorksOnlyWithTheLinkItWasMadeFrom() {
    String first = newAddress();
    String second = newAddress();
    signUpBegin(first, "First");
    signUpBegin(second, "Second");
    String firstToken = tokenMailedTo(first, "sign-up");
    String secondToken = tokenMailedTo(second, "sign-up");
    JsonNode options = signUpOptions(firstToken).json();

    assertError(signUpFinalize(secondToken, options, device()), 400, "passkey_challenge_invalid");
  }

  @Test
  void badUsedAndExpiredLinksAreAllPasskeyTokenInvalid() {
    assertError(signUpOptions("not-a-token"), 400, "passkey_token_invalid");
    assertError(recoverOptions(""), 400, "passkey_token_invalid");
    assertError(api.post("/api/v0/auth/recover/options", null, "{}"), 400, "passkey_token_invalid");

    String email = newAddress();
    signUpBegin(email, "Late");
    String token = tokenMailedTo(email, "sign-up");
    clock.advance(Duration.ofHours(23).plusMinutes(59));
    assertThat(signUpOptions(token).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(1));
    assertError(signUpOptions(token), 400, "passkey_token_invalid");

    TestUser ada = newUser();
    recoverBegin(ada.email());
    String recovery = tokenMailedTo(ada.email(), "recover");
    // A recovery link is not a sign-up link, and lives 30 minutes.
    assertError(signUpOptions(recovery), 400, "passkey_token_invalid");
    clock.advance(Duration.ofMinutes(30));
    assertError(recoverOptions(recovery), 400, "passkey_token_invalid");
  }

  @Test
  void malformedEmailsAndNamesAre422() {
    assertError(signUpBegin("not-an-email", "Ada"), 422, "email_invalid");
    assertError(signUpBegin(newAddress(), "  "), 422, "user_name_invalid");
    assertError(signUpBegin(newAddress(), "x".repeat(256)), 422, "user_name_invalid");
    assertError(recoverBegin("nobody"), 422, "email_invalid");
    assertError(
        api.post("/api/v0/auth/recover/begin", null, "{\"email\": 5}"), 422, "field_type_invalid");
  }

  @Test
  void theSixthBeginRequestOfAnHourIsRateLimitedForKnownAndUnknownAddressesAlike() {
    TestUser known = newUser();
    for (int i = 0; i < 5; i++) {
      assertThat(recoverBegin(newAddress()).status()).isEqualTo(204);
    }
    Response unknown = recoverBegin(newAddress());
    Response knownToo = recoverBegin(known.email());
    Response signUp = signUpBegin(newAddress(), "Ada");

    assertError(unknown, 429, "rate_limited");
    assertThat(knownToo.body().replaceAll("req_[A-Za-z0-9]+", ""))
        .isEqualTo(unknown.body().replaceAll("req_[A-Za-z0-9]+", ""));
    assertThat(knownToo.header("Retry-After")).isEqualTo("3600");
    assertError(signUp, 429, "rate_limited");
    assertThat(mailsTo(known.email())).isEmpty();

    clock.advance(Duration.ofHours(1));
    assertThat(recoverBegin(known.email()).status()).isEqualTo(204);
  }

  @Test
  void oneInboxGetsAtMostFiveRequestsAnHourFromAnyNumberOfAddresses() {
    restartMailed(config -> config.signUpOpen(true).trustedProxies(List.of("127.0.0.1")));
    TestUser ada = newUser();
    for (int i = 1; i <= 5; i++) {
      assertThat(recoverBeginFrom("203.0.113." + i, ada.email()).status()).isEqualTo(204);
    }

    assertError(recoverBeginFrom("203.0.113.6", ada.email()), 429, "rate_limited");
    assertError(signUpBeginFrom("203.0.113.7", ada.email()), 429, "rate_limited");
    assertThat(mailsTo(ada.email())).hasSize(5);
    // Another inbox from those addresses is still served.
    assertThat(recoverBeginFrom("203.0.113.6", newAddress()).status()).isEqualTo(204);
  }

  private Response recoverBeginFrom(String client, String email) {
    return api.send(
        api.request("/api/v0/auth/recover/begin")
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", client)
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("email", email).toString())));
  }

  private Response signUpBeginFrom(String client, String email) {
    return api.send(
        api.request("/api/v0/auth/passkey/signup/begin")
            .header("Content-Type", "application/json")
            .header("X-Forwarded-For", client)
            .POST(
                java.net.http.HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("email", email).put("name", "Ada").toString())));
  }

  // ---- The operator's policy ----

  @Test
  void aClosedServerRefusesEverySignUpButStillRecovers() {
    restartMailed(config -> config);
    TestUser ada = newUser();

    assertThat(api.get("/api/v0/auth/signup", null).json().get("open").asBoolean()).isFalse();
    assertError(signUpBegin(newAddress(), "Ada"), 403, "signup_closed");
    assertError(signUpBegin(ada.email(), "Ada"), 403, "signup_closed");
    assertThat(recoverBegin(ada.email()).status()).isEqualTo(204);
    assertThat(tokenMailedTo(ada.email(), "recover")).isNotBlank();
  }

  @Test
  void signUpOpenToSomeDomainsRefusesTheOthers() {
    restartMailed(config -> config.signUpOpen(true).signUpDomains(List.of("Example.COM")));

    JsonNode policy = api.get("/api/v0/auth/signup", null).json();
    assertThat(policy.get("open").asBoolean()).isTrue();
    assertThat(policy.get("domains").get(0).asText()).isEqualTo("example.com");
    Response refused = signUpBegin("ada@example.org", "Ada");
    assertError(refused, 403, "signup_closed");
    assertThat(refused.json().at("/error/message").asText()).contains("example.com");
    assertThat(signUpBegin("ada@example.com", "Ada").status()).isEqualTo(204);
  }

  @Test
  void pastTheCapSignUpIs503() {
    restartMailed(config -> config.signUpOpen(true).signUpCap(2));
    newUser();
    String email = newAddress();
    assertThat(signUpBegin(email, "Second").status()).isEqualTo(204);
    String token = tokenMailedTo(email, "sign-up");
    JsonNode options = signUpOptions(token).json();
    // The cap is reached between the begin and the finalize: checked again there.
    newUser();

    assertError(signUpFinalize(token, options, device()), 503, "signup_cap_reached");
    assertError(signUpBegin(newAddress(), "Third"), 503, "signup_cap_reached");
  }

  // ---- Recovery and invitations ----

  @Test
  void aPersonWhoLostTheirPasskeyGetsBackInThroughTheEmailedLink() {
    TestUser ada = newUser();
    SoftAuthenticator lost = device();
    lost.enrol(server.baseUri(), ada.token());

    assertThat(recoverBegin(ada.email()).status()).isEqualTo(204);
    String token = tokenMailedTo(ada.email(), "recover");
    JsonNode options = recoverOptions(token).json();
    assertThat(options.at("/options/excludeCredentials")).hasSize(1);
    SoftAuthenticator replacement = device();
    Response recovered = recoverFinalize(token, options, replacement);

    assertThat(recovered.status()).as(recovered.body()).isEqualTo(200);
    assertThat(recovered.json().at("/user/uuid").asText()).isEqualTo(ada.id().toString());
    String session = recovered.json().get("token").asText();
    assertThat(api.get("/api/v0/user/passkeys", session).json().get("passkeys")).hasSize(2);
    assertThat(
            api.get("/api/v0/user/events", session).json().get("events").findValuesAsText("method"))
        .contains("recovery");
    assertThat(replacement.signIn(server.baseUri())).isNotBlank();
    assertError(recoverOptions(token), 400, "passkey_token_invalid");
  }

  @Test
  void anInvitationCreatesTheAccountAndItsLinkAddsTheFirstPasskey() {
    String email = newAddress();
    var invitation = server.server().emailLinks().invite(email, "Grace Hopper", true);
    assertThat(invitation.user().name()).isEqualTo("Grace Hopper");
    List<OutgoingMail> mails = mailsTo(email);
    assertThat(mails).hasSize(1);
    assertThat(mails.get(0).subject()).contains("invited");
    String token = tokenMailedTo(email, "recover");
    assertThat(invitation.link()).endsWith("#token=" + token);

    JsonNode options = recoverOptions(token).json();
    Response accepted = recoverFinalize(token, options, device());

    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    assertThat(accepted.json().at("/user/email").asText()).isEqualTo(email);
    // Valid for 72 hours: a second invitation, accepted on the third day.
    server.server().emailLinks().invite(email, null, true);
    String again = tokenMailedTo(email, "recover");
    clock.advance(Duration.ofHours(71));
    assertThat(recoverOptions(again).status()).isEqualTo(200);
  }
}
