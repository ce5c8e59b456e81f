package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.account.AccountSettings;
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

  @Test
  void theBoundsAreTheDomainsAsAPersonWritesThem() {
    assertThat(SessionTtlConverter.bounds()).isEqualTo("1m to 30d");
    assertThat(converter.convert("1m")).isEqualTo(AccountSettings.MIN_SESSION_TTL);
    assertThat(converter.convert("30d")).isEqualTo(AccountSettings.MAX_SESSION_TTL);
  }

  @Test
  void formatWritesTheLargestWholeUnitAndReadsBack() {
    assertThat(SessionTtlConverter.format(Duration.ofHours(12))).isEqualTo("12h");
    assertThat(SessionTtlConverter.format(Duration.ofHours(48))).isEqualTo("2d");
    assertThat(SessionTtlConverter.format(Duration.ofMinutes(90))).isEqualTo("90m");
    for (Duration ttl :
        new Duration[] {Duration.ofMinutes(1), Duration.ofHours(36), Duration.ofDays(30)}) {
      assertThat(converter.convert(SessionTtlConverter.format(ttl))).isEqualTo(ttl);
    }
    assertThatThrownBy(() -> SessionTtlConverter.format(Duration.ofSeconds(90)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12", "h", "12H", "1.5h", "-1h", "PT12H", "12 h", "1s", "0m", "31d"})
  void anythingElseIsRefusedWithTheFormatOrRange(String value) {
    assertThatThrownBy(() -> converter.convert(value))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining(value.strip().isEmpty() ? "duration" : value);
  }
}
