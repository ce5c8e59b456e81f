package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.virtualauthenticator.Credential;
import org.openqa.selenium.virtualauthenticator.HasVirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticator;
import org.openqa.selenium.virtualauthenticator.VirtualAuthenticatorOptions;

/**
 * Passkeys in a real browser with real signatures: Debian's Chromium and Selenium's virtual
 * authenticator (CTAP2, internal transport, resident keys, user verification) against the server at
 * {@code http://localhost:PORT}, its relying party. Screenshots under {@code target/screenshots/}.
 */
class PasskeyBrowserTest {
  private static TestServer server;

  private Browser browser;
  private Api api;

  @BeforeAll
  static void startServer() {
    if (!Browser.skipped()) {
      server = TestServer.start();
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void openBrowser() {
    Browser.require();
    browser = new Browser(localhost(), new Dimension(1280, 1400));
    api = new Api(server.baseUri());
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  static URI localhost() {
    return URI.create(server.server().relyingParty().origin() + "/");
  }

  /** A platform authenticator of this browser, as a phone or laptop has: the person verified. */
  private VirtualAuthenticator device() {
    return device(true);
  }

  /** {@code consenting} false: the person dismisses the browser's passkey dialog. */
  private VirtualAuthenticator device(boolean consenting) {
    return ((HasVirtualAuthenticator) browser.driver())
        .addVirtualAuthenticator(
            new VirtualAuthenticatorOptions()
                .setProtocol(VirtualAuthenticatorOptions.Protocol.CTAP2)
                .setTransport(VirtualAuthenticatorOptions.Transport.INTERNAL)
                .setHasResidentKey(true)
                .setHasUserVerification(true)
                .setIsUserVerified(true)
                .setIsUserConsenting(consenting));
  }

  /**
   * This browser offers no passkey autofill: Chromium's virtual authenticator answers an autofill
   * request at once (as if the person picked the suggestion), so a test of the button, or one that
   * signs out and means to stay out, turns autofill off first.
   */
  private void withoutAutofill() {
    browser
        .driver()
        .executeCdpCommand(
            "Page.addScriptToEvaluateOnNewDocument",
            java.util.Map.of(
                "source",
                "PublicKeyCredential.isConditionalMediationAvailable = async () => false;"));
  }

  /** Waits for a paragraph whose text (links included) contains {@code text}. */
  private void paragraph(String text) {
    browser.until(
        d ->
            !d.findElements(By.xpath("//p[contains(normalize-space(.), '" + text + "')]"))
                .isEmpty());
  }

  private void unplug(VirtualAuthenticator device) {
    ((HasVirtualAuthenticator) browser.driver()).removeVirtualAuthenticator(device);
  }

  private TestUser signInWithKey(TestUser user) {
    browser.open("/");
    browser.field("API key").sendKeys(user.token());
    browser.button("Sign in").click();
    browser.heading("Profile");
    return user;
  }

  private void signOut() {
    browser.button("Sign out").click();
    browser.heading("Sign in");
  }

  /** Adds a passkey from the Passkeys section and names it. */
  private void addPasskey(String name) {
    browser.button("Add passkey").click();
    WebElement field = browser.field("Name this passkey");
    assertThat(field.getDomProperty("value")).isEqualTo("Passkey");
    field.clear();
    field.sendKeys(name);
    browser.button("Save name").click();
    browser.until(
        d -> !d.findElements(By.xpath("//td[normalize-space(.)='" + name + "']")).isEmpty());
  }

  private JsonNode passkeysOf(TestUser user) {
    return api.get("/api/v0/user/passkeys", user.token()).json().get("passkeys");
  }

  private WebElement rowOf(String name) {
    return browser.driver().findElement(By.xpath("//tr[td[normalize-space(.)='" + name + "']]"));
  }

  @Test
  void aPersonAddsPasskeysSignsInWithThemAndRemovesAllButTheLast() {
    withoutAutofill();
    TestUser ada = signInWithKey(server.newUser());
    VirtualAuthenticator laptop = device();
    browser.heading("Passkeys");
    browser.text("No passkeys yet.");

    addPasskey("Laptop");
    browser.screenshot("30-passkey-added");
    assertThat(passkeysOf(ada)).hasSize(1);
    assertThat(laptop.getCredentials()).hasSize(1);
    assertThat(laptop.getCredentials().get(0).isResidentCredential()).isTrue();

    signOut();
    browser.screenshot("31-sign-in-with-passkey");
    // The hidden Email field (shown only while the browser offers passkeys) does not take the
    // focus: the first field a person can see does.
    assertThat(browser.driver().switchTo().activeElement()).isEqualTo(browser.field("API key"));
    browser.button("Sign in with a passkey").click();
    browser.heading("Profile");
    browser.screenshot("32-signed-in-with-passkey");
    JsonNode events = api.get("/api/v0/user/events", ada.token()).json().get("events");
    assertThat(events.get(0).get("method").asText()).isEqualTo("passkey");

    // The same device cannot hold two passkeys of one account: excludeCredentials.
    browser.button("Add passkey").click();
    browser.text("This device already holds a passkey for your account.");
    // A second device (the laptop put away).
    Credential laptopKey = laptop.getCredentials().get(0);
    unplug(laptop);
    VirtualAuthenticator phone = device();
    addPasskey("Phone");
    assertThat(passkeysOf(ada)).hasSize(2);

    // Rename.
    rowOf("Phone").findElement(Browser.buttonLocator("Rename")).click();
    WebElement name = browser.field("New name");
    name.clear();
    name.sendKeys("Work phone");
    browser.button("Save name").click();
    browser.until(
        d -> !d.findElements(By.xpath("//td[normalize-space(.)='Work phone']")).isEmpty());
    browser.screenshot("33-passkeys-two");

    // Remove the laptop's, with a confirmation.
    rowOf("Laptop").findElement(Browser.buttonLocator("Remove")).click();
    browser.text("It stops signing in at once.");
    browser.screenshot("34-confirm-remove-passkey");
    browser.button("Confirm remove").click();
    browser.until(d -> d.findElements(By.xpath("//td[normalize-space(.)='Laptop']")).isEmpty());

    // The last one stays; the API's refusal is shown with its message and code.
    rowOf("Work phone").findElement(Browser.buttonLocator("Remove")).click();
    browser.button("Confirm remove").click();
    browser.text("You can't remove your last sign-in method.");
    browser.text("passkey_last_credential");
    browser.screenshot("35-last-passkey-refused");
    assertThat(passkeysOf(ada)).hasSize(1);

    // The removed laptop passkey no longer signs in; the phone's does.
    signOut();
    unplug(phone);
    VirtualAuthenticator oldLaptop = device();
    oldLaptop.addCredential(laptopKey);
    browser.button("Sign in with a passkey").click();
    browser.text("This passkey is not registered.");
    browser.text("passkey_unknown_credential");
    browser.screenshot("36-removed-passkey-refused");
    assertThat(browser.storedSession()).isNull();
  }

  @Test
  void cancellingThePasskeyDialogReturnsQuietly() {
    withoutAutofill();
    TestUser ada = signInWithKey(server.newUser());
    device();
    addPasskey("Laptop");
    signOut();
    // The person closes the browser's passkey dialog: what a page then gets is a NotAllowedError
    // (the virtual authenticator cannot press Cancel, so the browser's answer is played here).
    browser.script(
        "navigator.credentials.get = async () => { window.passkeyAsked = true;"
            + " throw new DOMException('The operation either timed out or was not allowed.',"
            + " 'NotAllowedError'); };");

    browser.button("Sign in with a passkey").click();

    browser.until(d -> d.findElement(Browser.buttonLocator("Sign in with a passkey")).isEnabled());
    assertThat(browser.driver().findElements(By.cssSelector("[role=alert]"))).isEmpty();
    assertThat(browser.storedSession()).isNull();
    assertThat(passkeysOf(ada)).hasSize(1);
    browser.screenshot("42-passkey-dialog-cancelled");
  }

  @Test
  void theAutofillOfTheEmailFieldSignsInWithAPasskey() {
    TestUser ada = signInWithKey(server.newUser());
    device();
    addPasskey("Laptop");

    browser.button("Sign out").click();

    // The sign-in page asks for passkeys in the Email field's autofill (conditional mediation);
    // Chromium's virtual authenticator answers that request at once, as a person picking the
    // suggested passkey would: signed in again without pressing the button.
    browser.heading("Profile");
    browser.screenshot("37-signed-in-by-autofill");
    JsonNode events = api.get("/api/v0/user/events", ada.token()).json().get("events");
    assertThat(events.get(0).get("type").asText()).isEqualTo("session.created");
    assertThat(events.get(0).get("method").asText()).isEqualTo("passkey");
  }

  @Test
  void onAnIpAddressPasskeysPointToTheHostNameAndTheKeyStillWorks() {
    browser.close();
    browser = new Browser(server.baseUri(), new Dimension(1280, 1000));
    TestUser ada = server.newUser();
    browser.open("/");

    paragraph("Passkeys need the server’s host name");
    WebElement link = browser.driver().findElement(By.linkText(localhost().toString()));
    assertThat(link.getDomAttribute("href")).isEqualTo(localhost().toString());
    assertThat(browser.driver().findElements(Browser.buttonLocator("Sign in with a passkey")))
        .isEmpty();
    browser.screenshot("38-passkeys-on-ip-address");
    signInWithKey(ada);
    paragraph("Passkeys need the server’s host name");
    browser.screenshot("41-passkeys-panel-on-ip-address");
  }

  @Test
  void atThreeHundredNinetyPixelsTheSignInAndPasskeysReadWell() {
    withoutAutofill();
    browser.phone(390, 844);
    signInWithKey(server.newUser());
    device();
    addPasskey("A passkey with a rather long name");
    browser.driver().findElement(By.id("passkeys")).getLocation();
    browser.script("document.getElementById('passkeys').scrollIntoView()");
    browser.screenshot("39-narrow-passkeys");
    assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= 390"))
        .isTrue();
    browser.button("Sign out").click();
    browser.heading("Sign in");
    browser.screenshot("40-narrow-sign-in");
    assertThat((Boolean) browser.script("return document.documentElement.scrollWidth <= 390"))
        .isTrue();
    List<WebElement> buttons =
        browser.driver().findElements(Browser.buttonLocator("Sign in with a passkey"));
    assertThat(buttons).hasSize(1);
    assertThat(
            browser
                .driver()
                .findElement(By.cssSelector("input[autocomplete='username webauthn']"))
                .isDisplayed())
        .isFalse(); // autofill is off in this test, so the Email field is not offered
  }
}
