package dev.harmont.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** The text line: UTC time with milliseconds, level, logger, message, then any stack. */
class TextLogFormatterTest {
  private final TextLogFormatter formatter = new TextLogFormatter();

  @Test
  void aLineHasTheTimeInUtcTheLevelTheLoggerAndTheMessage() {
    assertThat(formatter.format(record("2026-11-30T05:36:22.004Z", "listening")))
        .isEqualTo("2026-11-30T05:36:22.004Z INFO dev.harmont.server: listening\n");
    assertThat(formatter.format(record("2026-11-30T05:36:22.999Z", "same second")))
        .startsWith("2026-11-30T05:36:22.999Z ");
    assertThat(formatter.format(record("2026-12-01T00:00:00.050Z", "next day")))
        .startsWith("2026-12-01T00:00:00.050Z ");
  }

  @Test
  void parametersAreFilledIn() {
    LogRecord record = record("2026-11-30T05:36:22.004Z", "listening on {0}");
    record.setParameters(new Object[] {"127.0.0.1:8080"});
    assertThat(formatter.format(record)).endsWith(": listening on 127.0.0.1:8080\n");
  }

  @Test
  void anExceptionAddsItsStackAfterTheMessage() {
    LogRecord record = record("2026-11-30T05:36:22.004Z", "request failed");
    record.setLevel(Level.SEVERE);
    record.setThrown(new IllegalStateException("boom"));
    String text = formatter.format(record);
    assertThat(text)
        .startsWith(
            "2026-11-30T05:36:22.004Z SEVERE dev.harmont.server: request failed\n"
                + "java.lang.IllegalStateException: boom\n")
        .contains("\tat dev.harmont.server.observe.TextLogFormatterTest.")
        .endsWith("\n");
  }

  private static LogRecord record(String instant, String message) {
    LogRecord record = new LogRecord(Level.INFO, message);
    record.setLoggerName("dev.harmont.server");
    record.setInstant(Instant.parse(instant));
    return record;
  }
}
