package dev.harmont.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --session-ttl}: a whole number and a unit, {@code 30m}, {@code 12h} or {@code 7d}; at
 * least a minute, at most 30 days (a session is a bearer secret kept by a browser: it should end).
 */
final class SessionTtlConverter implements ITypeConverter<Duration> {
  static final Duration MIN = Duration.ofMinutes(1);
  static final Duration MAX = Duration.ofDays(30);
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})([mhd])");

  @Override
  public Duration convert(String value) {
    Matcher m = FORMAT.matcher(value.strip());
    if (!m.matches()) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration: use minutes, hours or days, such as 30m, 12h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    Duration ttl =
        switch (m.group(2)) {
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
    if (ttl.compareTo(MIN) < 0 || ttl.compareTo(MAX) > 0) {
      throw new TypeConversionException(
          "'" + value + "' is out of range: a session lasts from 1m to 30d");
    }
    return ttl;
  }
}
