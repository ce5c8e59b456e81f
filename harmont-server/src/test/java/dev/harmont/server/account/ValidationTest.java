package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "ada.lovelace@example.org, ada-lovelace-example-org",
    "Ada.Lovelace@Example.ORG, ada-lovelace-example-org",
    "a+b__c@x.io, a-b-c-x-io",
    "--weird--@--host--.com, weird-host-com",
    "jörg@müller.de, j-rg-m-ller-de",
    "123@456.78, 123-456-78",
    "日本@例え.jp, jp",
    "@@@@, user",
  })
  void slugFromEmail(String email, String slug) {
    assertThat(Validation.slugBase(email)).isEqualTo(slug);
  }

  @Test
  void longSlugsAreCutWithoutATrailingDash() {
    String slug = Validation.slugBase("a".repeat(59) + ".b@example.org");

    assertThat(slug).hasSizeLessThanOrEqualTo(60).doesNotEndWith("-");
  }

  @Test
  void namesAreTrimmedAndCountedInCodePoints() {
    assertThat(Validation.displayName("  Ada \t")).isEqualTo("Ada");
    assertThat(Validation.displayName("𝔸".repeat(255))).hasSize(510);
    assertThatThrownBy(() -> Validation.displayName("𝔸".repeat(256)))
        .isInstanceOf(HarmontException.class)
        .extracting(e -> ((HarmontException) e).code())
        .isEqualTo(ErrorCode.USER_NAME_INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a\u0000b", "a\nb", "\u2028", "a\u0085b", "\ud800", "x\udc00"})
  void invalidNames(String name) {
    assertThatThrownBy(() -> Validation.displayName(name))
        .isInstanceOf(HarmontException.class)
        .hasMessage("Display name must be between 1 and 255 characters.");
  }

  @Test
  void descriptionsAreOptionalTrimmedAndBounded() {
    assertThat(Validation.description(null)).isEmpty();
    assertThat(Validation.description("   ")).isEmpty();
    assertThat(Validation.description(" CI ")).contains("CI");
    assertThatThrownBy(() -> Validation.description("x".repeat(256)))
        .isInstanceOf(HarmontException.class);
    assertThatThrownBy(() -> Validation.description("a\tb")).isInstanceOf(HarmontException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "ada",
        "@example.org",
        "ada@",
        "a@b@c",
        "ada lovelace@example.org",
        "ada@.org",
        "ada@example.org."
      })
  void invalidEmails(String email) {
    assertThatThrownBy(() -> Validation.email(email))
        .isInstanceOf(HarmontException.class)
        .extracting(e -> ((HarmontException) e).code())
        .isEqualTo(ErrorCode.EMAIL_INVALID);
  }

  @Test
  void emailsAreTrimmedAndLowercased() {
    assertThat(Validation.email("  Ada@Example.ORG ")).isEqualTo("ada@example.org");
  }
}
