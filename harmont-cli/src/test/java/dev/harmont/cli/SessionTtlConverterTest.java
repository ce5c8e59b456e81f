package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class SessionTtlConverterTest {
  private final SessionTtlConverter converter = new SessionTtlConverter();

  @Test
  void minutesHoursAndDays() {
    assertThat(converter.convert("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(converter.convert("12h")).isEqualTo(Duration.ofHours(12));
    assertThat(converter.convert(" 7d ")).isEqualTo(Duration.ofDays(7));
    assertThat(converter.convert("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(converter.convert("30d")).isEqualTo(Duration.ofDays(30));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12", "h", "12H", "1.5h", "-1h", "PT12H", "12 h", "1s", "0m", "31d"})
  void anythingElseIsRefusedWithTheFormatOrRange(String value) {
    assertThatThrownBy(() -> converter.convert(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining(value.strip().isEmpty() ? "duration" : value);
  }
}
