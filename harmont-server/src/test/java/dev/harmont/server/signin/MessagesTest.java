package dev.harmont.server.signin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.mail.OutgoingMail;
import org.junit.jupiter.api.Test;

/** The emails' words: what a person typed is escaped in the HTML, and nothing is loaded. */
class MessagesTest {
  private static final String LINK = "https://harmont.example.org/sign-up#token=abc_-123";

  @Test
  void theHtmlEscaperEscapesTheFiveSpecialCharacters() {
    assertThat(Messages.html("<a href=\"x\">Tom & Jerry's</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    assertThat(Messages.html("plain text, é ü 漢")).isEqualTo("plain text, é ü 漢");
  }

  @Test
  void aNameWithMarkupIsTextInTheHtmlAndUnchangedInThePlainText() {
    OutgoingMail mail =
        Messages.signUp(
            "ada@example.org",
            "<img src=x onerror=alert(1)>",
            LINK,
            "https://harmont.example.org",
            "24 hours");

    assertThat(mail.html()).doesNotContain("<img").contains("&lt;img src=x onerror=alert(1)&gt;");
    assertThat(mail.text()).contains("Hello <img src=x onerror=alert(1)>,");
  }

  @Test
  void everyMessageCarriesTheServerWhatToDoIfItWasntYouAndNoRemoteContent() {
    String server = "https://harmont.example.org";
    for (OutgoingMail mail :
        new OutgoingMail[] {
          Messages.signUp("a@example.org", "Ada", LINK, server, "24 hours"),
          Messages.signUpExisting("a@example.org", server),
          Messages.recovery("a@example.org", "Ada", LINK, server, "30 minutes"),
          Messages.invite("a@example.org", "Ada", LINK, server, "3 days")
        }) {
      assertThat(mail.text()).as(mail.subject()).contains(server).contains("ignore this email");
      assertThat(mail.html()).as(mail.subject()).contains(server).contains("ignore this email");
      assertThat(mail.html()).doesNotContain("<img").doesNotContain("src=").doesNotContain("url(");
    }
    assertThat(Messages.signUp("a@example.org", "Ada", LINK, server, "24 hours").html())
        .contains("href=\"" + LINK + "\"");
  }
}
