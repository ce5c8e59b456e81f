package dev.harmont.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathSegmentsTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"..", ".", "../x", "a/b", "x/../y", "%2e%2e", "a?b", "a#b", "a;b", "\\", "é"})
  void anEncodedIdStaysOneSegmentEvenAfterNormalisation(String id) {
    URI base = URI.create("http://h/api/v0/user/api-tokens/");

    URI uri = URI.create(base + PathSegments.encode(id)).normalize();

    assertThat(uri.getRawPath()).startsWith("/api/v0/user/api-tokens/");
    assertThat(uri.getRawPath().substring("/api/v0/user/api-tokens/".length()))
        .doesNotContain("/", ".", "?", "#")
        .isNotEmpty();
    assertThat(uri.getRawQuery()).isNull();
    assertThat(uri.getRawFragment()).isNull();
  }
}
