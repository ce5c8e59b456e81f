package dev.harmont.server.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.harmont.server.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code smtp+starttls://} against a real server that offers STARTTLS (Debian's aiosmtpd: GreenMail
 * does not offer it): the message goes out only after the upgrade, to a certificate the given CA
 * signed. Skipped with {@code HARMONT_SKIP_STARTTLS_TESTS=1}.
 */
class StarttlsTest {
  private static final String USER = "harmont";
  private static final String PASSWORD = "s3cret:pa ss";
  private static final OutgoingMail MAIL =
      new OutgoingMail(
          "ada@example.org",
          "Your sign-in link",
          "Open https://h.example/recover#token=x",
          "<p>x</p>");

  @TempDir static Path dir;
  private static TestCertificates certificates;
  private static TestCertificates otherCa;
  private static Process server;
  private static int port;
  private static Path inbox;

  @BeforeAll
  static void startServer() throws Exception {
    assumeFalse(
        "1".equals(System.getenv("HARMONT_SKIP_STARTTLS_TESTS")), "HARMONT_SKIP_STARTTLS_TESTS=1");
    certificates = TestCertificates.make(dir, "starttls");
    otherCa = TestCertificates.make(dir, "other");
    inbox = Files.createDirectories(dir.resolve("inbox"));
    Path script = dir.resolve("starttls-server.py");
    try (InputStream in = StarttlsTest.class.getResourceAsStream("/mail/starttls-server.py")) {
      Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
    }
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    server =
        new ProcessBuilder(
                List.of(
                    "/usr/bin/python3", // Debian's, where python3-aiosmtpd is
                    script.toString(),
                    Integer.toString(port),
                    certificates.serverCertPem().toString(),
                    certificates.serverKeyPem().toString(),
                    USER,
                    PASSWORD,
                    inbox.toString()))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line)
        .as(
            "the STARTTLS server started (Debian package python3-aiosmtpd; or set"
                + " HARMONT_SKIP_STARTTLS_TESTS=1)")
        .isEqualTo("ready");
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.destroy();
    }
  }

  private static SmtpTransport transport(Path caFile) {
    String url = "smtp+starttls://harmont:s3cret%3Apa%20ss@localhost:" + port;
    return SmtpTransport.of(
        new MailSettings(SmtpUrl.parse(url), null, caFile, "Harmont <no-reply@example.org>", null),
        "unused",
        Clock.systemUTC());
  }

  @Test
  void aMessageGoesOutAfterTheUpgradeWithAuth() throws Exception {
    transport(certificates.caPem()).send(MAIL);

    try (Stream<Path> files = Files.list(inbox)) {
      List<Path> eml = files.filter(p -> p.toString().endsWith(".eml")).toList();
      assertThat(eml).hasSize(1);
      assertThat(Files.readString(eml.getFirst())).contains("Subject: Your sign-in link");
    }
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> transport(otherCa.caPem()).send(MAIL))
        .isInstanceOf(MailDeliveryException.class);
  }
}
