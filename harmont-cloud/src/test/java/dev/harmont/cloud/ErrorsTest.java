package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  @Test
  void aSnippetCollapsesWhiteSpaceAndStopsAtTwoHundredCharacters() {
    String page = "<html>\r\n\t<body>" + "x".repeat(500) + "</body></html>";

    String snippet = Errors.snippet(page.getBytes(StandardCharsets.UTF_8));

    assertThat(snippet).startsWith("\"<html> <body>xxx").endsWith("…\"").doesNotContain("\n", "\t");
    assertThat(snippet).hasSize(200 + 3);
  }

  @Test
  void aShortSnippetIsQuotedWhole() {
    assertThat(Errors.snippet("  Bad Gateway \n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("\"Bad Gateway\"");
  }

  @Test
  void redactionReplacesEveryOccurrenceOfTheToken() {
    assertThat(Errors.redact("a hm_t b hm_t", "hm_t")).isEqualTo("a <redacted> b <redacted>");
  }
}
