package dev.harmont.server.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.SealingKeys;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The mail settings: SMTP URLs, the sealing key file, and what the server refuses at start. */
class MailSettingsTest {
  @TempDir Path dir;

  @Test
  void theThreeUrlFormsAreUnderstoodAndTheirUserInfoDecoded() {
    assertThat(SmtpUrl.parse("smtp://relay"))
        .isEqualTo(new SmtpUrl(SmtpUrl.Security.PLAIN, "relay", 25, null, null));
    assertThat(SmtpUrl.parse("smtp+starttls://me%40example.org:p%3A%2Bw+d@mail.example.org"))
        .isEqualTo(
            new SmtpUrl(
                SmtpUrl.Security.STARTTLS, "mail.example.org", 587, "me@example.org", "p:+w+d"));
    assertThat(SmtpUrl.parse("smtps://u:p@[::1]:2465"))
        .isEqualTo(new SmtpUrl(SmtpUrl.Security.TLS, "::1", 2465, "u", "p"));
  }

  @Test
  void anSmtpUrlNeverShowsItsPassword() {
    SmtpUrl url = SmtpUrl.parse("smtps://me%40example.org:hunter2@mail.example.org");
    assertThat(url.toString())
        .isEqualTo("smtps://me%40example.org:***@mail.example.org:465")
        .doesNotContain("hunter2");
  }

  @Test
  void aBadSmtpUrlIsRefusedSayingWhatIsExpected() {
    for (String bad :
        new String[] {"http://mail.example.org", "smtp://", "smtp://host/path", "smtp://h?x=1"}) {
      assertThatThrownBy(
              () ->
                  ServerConfig.builder()
                      .database(DatabaseSettings.embedded(dir))
                      .smtpUrl(bad)
                      .build())
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("smtp+starttls://USER:PASSWORD@HOST");
    }
  }

  @Test
  void theDefaultKeyFileIsMadeReadableByItsOwnerOnlyAndKept() throws Exception {
    Path file = dir.resolve("harmont.db.key");
    SealingKeys made = SealingKeys.loadOrCreate(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(SealingKeys.loadOrCreate(file).currentId()).isEqualTo(made.currentId());
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file); // no temporary file left beside it
    }
  }

  @Test
  void aKeyFileWithSomethingElseIsRefusedSayingHowToMakeOne() throws Exception {
    Path file = dir.resolve("bad.key");
    Files.writeString(file, "# comment\nnot-a-key\n");
    assertThatThrownBy(() -> SealingKeys.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Line 2")
        .hasMessageContaining("head -c 32 /dev/urandom | base64")
        .hasMessageNotContaining("not-a-key");
  }

  @Test
  void theFirstKeySealsAndEveryKeyOpens() throws Exception {
    byte[] oldKey = new byte[32];
    byte[] newKey = new byte[32];
    newKey[31] = 7;
    Path file = dir.resolve("rotated.key");
    Files.writeString(
        file,
        Base64.getEncoder().encodeToString(newKey)
            + "\n"
            + Base64.getEncoder().encodeToString(oldKey)
            + "\n");
    SealingKeys rotated = SealingKeys.load(file);
    SealingKeys old = SealingKeys.of(oldKey);
    byte[] context = {1, 2, 3};
    byte[] sealedBefore = old.seal("hello".getBytes(), context);
    assertThat(rotated.currentId()).isNotEqualTo(old.currentId());
    assertThat(rotated.open(old.currentId(), sealedBefore, context)).hasValue("hello".getBytes());
    // Bound to its context: moved to another row, it does not open.
    assertThat(rotated.open(old.currentId(), sealedBefore, new byte[] {9})).isEmpty();
  }

  @Test
  void postgresqlWithSmtpButNoKeyFileRefusesToStart() {
    assumeTrue(Backend.all().contains(Backend.POSTGRESQL), Backend.POSTGRES_URL_VARIABLE);
    assertThatThrownBy(
            () -> TestServer.start(Backend.POSTGRESQL, c -> c.smtpUrl("smtp://localhost:2525")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--secret-key-file")
        .hasMessageContaining("every node must use the same key");
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aMissingKeyFileRefusesToStart(Backend backend) {
    Path missing = dir.resolve("missing.key");
    assertThatThrownBy(() -> TestServer.start(backend, c -> c.secretKeyFile(missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void readinessDoesNotDependOnSmtp(Backend backend) throws Exception {
    Path keyFile = dir.resolve("k");
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(new byte[32]));
    // Nothing listens on port 9 (discard): every delivery attempt fails.
    try (TestServer server =
        TestServer.start(backend, c -> c.smtpUrl("smtp://127.0.0.1:9").secretKeyFile(keyFile))) {
      assertThat(server.server().mailSender().describe()).startsWith("smtp://127.0.0.1:9 as ");
      HttpResponse<String> ready =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(server.baseUri() + "/readyz")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void withoutSmtpTheServerSaysMessagesAreLoggedNotSent() {
    try (TestServer server = TestServer.start()) {
      assertThat(server.server().mailSender().describe())
          .contains("no SMTP configured")
          .contains("not sent");
    }
  }

  @Test
  void theDefaultSenderIsAtThePublicUrlsHost() {
    assertThat(SmtpTransport.defaultFrom("harmont.example.org"))
        .isEqualTo("Harmont <no-reply@harmont.example.org>");
  }
}
