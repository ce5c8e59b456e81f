package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Sign-up, recovery and invitations in a real browser: Debian's Chromium with Selenium's virtual
 * authenticator against the server at {@code http://localhost:PORT}, which sends its mail to a real
 * SMTP server (GreenMail); each link is read from the delivered message and opened in the browser,
 * as a person would from their inbox. Screenshots under {@code target/screenshots/}.
 */
class EmailLinkBrowserTest {
  private static final Pattern LINK =
      Pattern.compile("https?://[^\\s\"<>]+/(sign-up|recover)#token=[A-Za-z0-9_-]+");

  private static GreenMail smtp;
  private static TestServer server;

  private final List<Browser> browsers = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    if (Browser.skipped()) {
      return;
    }
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    server =
        TestServer.start(
            Backend.SQLITE,
            config ->
                config
                    .signUpOpen(true)
                    .smtpUrl("smtp://127.0.0.1:" + smtp.getSmtp().getPort())
                    .mailFrom("Harmont <no-reply@example.org>"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  @BeforeEach
  void requireBrowser() {
    Browser.require();
  }

  @AfterEach
  void closeBrowsers() {
    browsers.forEach(Browser::close);
  }

  /** A browser with a profile of its own (nothing stored), and a passkey-capable device. */
  private Browser freshBrowser() {
    Browser browser =
        new Browser(
            URI.create(server.server().relyingParty().origin() + "/"), new Dimension(1280, 1000));
    browsers.add(browser);
    ((HasVirtualAuthenticator) browser.driver())
        .addVirtualAuthenticator(
            new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(true));
    // Chromium's virtual authenticator answers passkey autofill at once: off, so that the sign-in
    // page stays until a person acts.
    browser
        .driver()
        .executeCdpCommand(
            "Page.addScriptToEvaluateOnNewDocument",
            java.util.Map.of(
                "source",
                "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"));
    return browser;
  }

  /** The link in the latest message delivered to {@code to}, once it has arrived. */
  private static String linkMailedTo(String to) {
    for (int i = 0; i < 600; i++) {
      List<MimeMessage> mine = new ArrayList<>();
      for (MimeMessage message : smtp.getReceivedMessages()) {
        try {
          if (message.getAllRecipients()[0].toString().equals(to)) {
            mine.add(message);
          }
        } catch (MessagingException e) {
          throw new AssertionError(e);
        }
      }
      if (!mine.isEmpty()) {
        try {
          MimeMultipart parts = (MimeMultipart) mine.get(mine.size() - 1).getContent();
          Matcher link = LINK.matcher((String) parts.getBodyPart(0).getContent());
          assertThat(link.find()).isTrue();
          return link.group();
        } catch (MessagingException | IOException e) {
          throw new AssertionError(e);
        }
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no message reached " + to);
  }

  /** Opens an emailed link; the token leaves the address bar before anything else shows. */
  private static void openLink(Browser browser, String link) {
    browser.driver().get(link);
    browser.button("Create passkey");
    assertThat(browser.driver().getCurrentUrl()).doesNotContain("token").doesNotContain("#");
  }

  @Test
  void aNewcomerCreatesAnAccountFromTheEmailedLinkWithAPasskey() {
    Browser browser = freshBrowser();
    browser.open("/sign-in");
    browser.heading("Sign in");
    browser.driver().findElement(By.linkText("Create an account"));
    browser.screenshot("59-sign-in-with-email-links");
    browser.driver().findElement(By.linkText("Create an account")).click();
    browser.heading("Create an account");
    browser.field("Name").sendKeys("Ada Lovelace");
    browser.field("Email").sendKeys("ada.signup@example.org");
    browser.screenshot("60-create-an-account");
    browser.button("Continue").click();
    browser.heading("Check your email");
    browser.text("We sent a link to ada.signup@example.org.");
    browser.screenshot("61-check-your-email");

    openLink(browser, linkMailedTo("ada.signup@example.org"));
    browser.screenshot("62-create-passkey");
    browser.button("Create passkey").click();
    browser.heading("Profile");
    browser.text("ada.signup@example.org");
    assertThat(browser.driver().getCurrentUrl()).endsWith("/");
    browser.screenshot("63-signed-up");

    // The passkey alone signs in again.
    browser.button("Sign out").click();
    browser.button("Sign in with a passkey").click();
    browser.heading("Profile");
  }

  @Test
  void aPersonWhoLostTheirDeviceGetsBackInFromAFreshBrowser() {
    TestUser grace = server.newUser("grace.recover@example.org", "Grace");
    Browser browser = freshBrowser();
    browser.phone(390, 844);
    browser.open("/sign-in");
    browser.driver().findElement(By.linkText("Email me a sign-in link")).click();
    browser.heading("Email me a sign-in link");
    browser.field("Email").sendKeys(grace.email());
    browser.screenshot("64-recover-390");
    browser.button("Send link").click();
    browser.heading("Check your email");
    browser.screenshot("65-recover-check-email-390");

    String link = linkMailedTo(grace.email());
    openLink(browser, link);
    browser.screenshot("66-recover-create-passkey-390");
    browser.button("Create passkey").click();
    browser.heading("Profile");
    browser.screenshot("67-recovered-390");

    // The link worked once: opened again, the API's refusal shows with its code and doc link.
    Browser again = freshBrowser();
    openLink(again, link);
    again.button("Create passkey").click();
    again.text("Your sign-up or recovery link has expired. Request a new one.");
    again.text("passkey_token_invalid");
    again.screenshot("68-link-used");
  }

  @Test
  void anInvitedColleagueAcceptsTheInvitation() {
    server.server().emailLinks().invite("linus.invite@example.org", "Linus", true);
    Browser browser = freshBrowser();

    openLink(browser, linkMailedTo("linus.invite@example.org"));
    browser.text("Create a passkey on this device");
    browser.button("Create passkey").click();
    browser.heading("Profile");
    browser.text("linus.invite@example.org");
    browser.screenshot("69-invitation-accepted");
  }
}
