package dev.harmont.server.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.harmont.server.testing.TestCertificates;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sending through a real SMTP server (GreenMail): plain, AUTH, implicit TLS with a private CA;
 * certificates, host names and STARTTLS refusals; the message's form and headers.
 */
class SmtpTransportTest {
  private static final String USER = "harmont@example.org";
  private static final String PASSWORD = "p@ss w:rd+1";
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-03T05:00:00Z"), ZoneOffset.UTC);
  private static final OutgoingMail MAIL =
      new OutgoingMail(
          "ada@example.org",
          "Finish signing up — Harmont",
          "Hello Ada,\n\nopen https://harmont.example/sign-up#token=abc to go on.\n",
          "<p>Hello Ada,</p><p><a href=\"https://harmont.example/sign-up#token=abc\">Go on</a></p>");

  @TempDir static Path dir;
  private static TestCertificates certificates;
  private static TestCertificates otherCa;
  private static GreenMail greenMail;

  @BeforeAll
  static void startServer() throws Exception {
    assumeFalse(
        "1".equals(System.getenv("HARMONT_SKIP_SMTP_TLS_TESTS")), "HARMONT_SKIP_SMTP_TLS_TESTS=1");
    certificates = TestCertificates.make(dir, "smtp");
    otherCa = TestCertificates.make(dir, "other");
    System.setProperty(
        DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY,
        certificates.serverP12().toString());
    System.setProperty(
        DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY,
        TestCertificates.PASSWORD);
    System.setProperty(
        DummySSLServerSocketFactory.GREENMAIL_KEY_PASSWORD_PROPERTY, TestCertificates.PASSWORD);
    greenMail =
        new GreenMail(
                new ServerSetup[] {
                  new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
                  new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS)
                })
            .withConfiguration(GreenMailConfiguration.aConfig().withUser(USER, USER, PASSWORD));
    greenMail.start();
  }

  @AfterAll
  static void stopServer() {
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  @BeforeEach
  void empty() throws Exception {
    greenMail.purgeEmailFromAllMailboxes();
  }

  private static int smtpPort() {
    return greenMail.getSmtp().getPort();
  }

  private static int smtpsPort() {
    return greenMail.getSmtps().getPort();
  }

  private static SmtpTransport transport(String url, Path caFile) {
    return SmtpTransport.of(
        new MailSettings(SmtpUrl.parse(url), null, caFile, "Harmont <no-reply@example.org>", null),
        "unused",
        CLOCK);
  }

  private static MimeMessage onlyReceived() {
    assertThat(greenMail.waitForIncomingEmail(10_000, 1)).isTrue();
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertThat(received).hasSize(1);
    return received[0];
  }

  @Test
  void aPlainRelayGetsTextAndHtmlAlternativesWithTheHeaders() throws Exception {
    transport("smtp://localhost:" + smtpPort(), null).send(MAIL);

    MimeMessage m = onlyReceived();
    assertThat(m.getSubject()).isEqualTo(MAIL.subject());
    assertThat(m.getFrom()[0].toString()).isEqualTo("Harmont <no-reply@example.org>");
    assertThat(m.getHeader("Auto-Submitted")).containsExactly("auto-generated");
    assertThat(m.getHeader("Message-ID")[0]).matches("<[0-9a-f-]{36}@example\\.org>");
    assertThat(m.getSentDate().toInstant()).isEqualTo(CLOCK.instant());
    assertThat(m.getContentType()).startsWith("multipart/alternative");
    MimeMultipart parts = (MimeMultipart) m.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
    // SMTP carries lines ending in CRLF.
    assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n"))
        .isEqualTo(MAIL.text());
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(((String) parts.getBodyPart(1).getContent()).replace("\r\n", "\n"))
        .isEqualTo(MAIL.html());
  }

  @Test
  void implicitTlsWithAuthAndAPrivateCaDelivers() throws Exception {
    String url = "smtps://harmont%40example.org:p%40ss%20w%3Ard%2B1@localhost:" + smtpsPort();
    transport(url, certificates.caPem()).send(MAIL);

    assertThat(onlyReceived().getSubject()).isEqualTo(MAIL.subject());
  }

  @Test
  void thePasswordFileWinsOverTheUrls() throws Exception {
    Path file = dir.resolve("smtp-password");
    Files.writeString(file, PASSWORD + "\n");
    SmtpTransport transport =
        SmtpTransport.of(
            new MailSettings(
                SmtpUrl.parse("smtps://harmont%40example.org:wrong@localhost:" + smtpsPort()),
                file,
                certificates.caPem(),
                null,
                null),
            "Harmont <no-reply@example.org>",
            CLOCK);
    transport.send(MAIL);

    assertThat(onlyReceived().getFrom()[0].toString()).isEqualTo("Harmont <no-reply@example.org>");
  }

  @Test
  void aWrongPasswordIsRefusedAndRetried() {
    String url = "smtps://harmont%40example.org:wrong@localhost:" + smtpsPort();
    assertThatThrownBy(() -> transport(url, certificates.caPem()).send(MAIL))
        .isInstanceOfSatisfying(
            MailDeliveryException.class,
            e -> {
              assertThat(e.permanent()).isFalse();
              assertThat(e.getMessage()).doesNotContain("wrong");
            });
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aCertificateFromAnotherCaIsRefused() {
    String url = "smtps://harmont%40example.org:x@localhost:" + smtpsPort();
    assertThatThrownBy(() -> transport(url, otherCa.caPem()).send(MAIL))
        .isInstanceOfSatisfying(
            MailDeliveryException.class, e -> assertThat(e.permanent()).isFalse());
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void theJdksTrustedCertificatesDoNotTrustAPrivateCa() {
    String url = "smtps://harmont%40example.org:x@localhost:" + smtpsPort();
    assertThatThrownBy(() -> transport(url, null).send(MAIL))
        .isInstanceOf(MailDeliveryException.class);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aCertificateForAnotherNameIsRefused() {
    // The certificate is for localhost; 127.0.0.1 is the same server under a name it lacks.
    String url = "smtps://harmont%40example.org:x@127.0.0.1:" + smtpsPort();
    assertThatThrownBy(() -> transport(url, certificates.caPem()).send(MAIL))
        .isInstanceOf(MailDeliveryException.class);
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void starttlsIsRequiredAndRefusedWhenTheServerDoesNotOfferIt() {
    // GreenMail's SMTP does not offer STARTTLS: nothing may go out in clear text.
    String url = "smtp+starttls://harmont%40example.org:x@localhost:" + smtpPort();
    assertThatThrownBy(() -> transport(url, certificates.caPem()).send(MAIL))
        .isInstanceOfSatisfying(
            MailDeliveryException.class,
            e -> assertThat(e.getMessage()).containsIgnoringCase("STARTTLS"));
    assertThat(greenMail.getReceivedMessages()).isEmpty();
  }

  @Test
  void aServerThatIsDownIsARetry() throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    assertThatThrownBy(() -> transport("smtp://localhost:" + closedPort, null).send(MAIL))
        .isInstanceOfSatisfying(
            MailDeliveryException.class, e -> assertThat(e.permanent()).isFalse());
  }
}
