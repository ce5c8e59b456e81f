package dev.harmont.cli;

import dev.harmont.server.account.AccountSettings;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --session-ttl}: a whole number and a unit, {@code 30m}, {@code 12h} or {@code 7d}, within
 * {@link AccountSettings#MIN_SESSION_TTL} and {@link AccountSettings#MAX_SESSION_TTL} (a session is
 * a bearer secret kept by a browser: it should end).
 */
final class SessionTtlConverter implements ITypeConverter<Duration> {
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
    if (!AccountSettings.isSessionTtl(ttl)) {
      throw new TypeConversionException(
          "'" + value + "' is out of range: a session lasts from " + bounds());
    }
    return ttl;
  }

  /** The session bounds as a person writes them: {@code 1m to 30d}. */
  static String bounds() {
    return format(AccountSettings.MIN_SESSION_TTL)
        + " to "
        + format(AccountSettings.MAX_SESSION_TTL);
  }

  /**
   * A duration as this converter reads it, in its largest whole unit: {@code 30m}, {@code 12h},
   * {@code 7d}.
   *
   * @throws IllegalArgumentException when it is not a whole number of minutes
   */
  static String format(Duration ttl) {
    if (ttl.isNegative() || !ttl.equals(Duration.ofMinutes(ttl.toMinutes()))) {
      throw new IllegalArgumentException(ttl + " is not a whole number of minutes");
    }
    if (ttl.equals(Duration.ofDays(ttl.toDays())) && !ttl.isZero()) {
      return ttl.toDays() + "d";
    }
    if (ttl.equals(Duration.ofHours(ttl.toHours())) && !ttl.isZero()) {
      return ttl.toHours() + "h";
    }
    return ttl.toMinutes() + "m";
  }
}
