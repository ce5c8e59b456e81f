package dev.harmont.cli;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.signin.SignUpPolicy;
import dev.harmont.server.store.DatabaseSettings;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * The built-in defaults an annotation cannot hold. An option's {@code defaultValue} must be a
 * compile-time constant: a number or a string constant is written {@code defaultValue = "" +
 * ServerConfig.DEFAULT_PORT}, but a {@link Duration} or an enum constant cannot be. Those are here,
 * as the text a person would type, derived from the constant that owns each default; {@link
 * EnvDefaults} serves them when the option's environment variable is not set, so the help, the
 * parsed value and {@code docs/configuration.md} (checked by a test) all show that constant.
 */
final class DerivedDefaults {
  private DerivedDefaults() {}

  private static final Map<String, String> BY_OPTION =
      Map.of(
          "--session-ttl", SessionTtlConverter.format(AccountSettings.DEFAULT_SESSION_TTL),
          "--ttl-hours", whole(AccountSettings.DEFAULT_SESSION_TTL, ChronoUnit.HOURS),
          "--event-retention-days", whole(AccountSettings.DEFAULT_EVENT_RETENTION, ChronoUnit.DAYS),
          "--auth-cache-ttl-ms", whole(AuthCacheSettings.DEFAULT_TTL, ChronoUnit.MILLIS),
          "--auth-cache-notified-ttl-ms",
              whole(AuthCacheSettings.DEFAULT_NOTIFIED_TTL, ChronoUnit.MILLIS),
          "--auth-failure-window-seconds",
              whole(ServerConfig.DEFAULT_AUTH_FAILURE_WINDOW, ChronoUnit.SECONDS),
          "--sqlite-synchronous", DatabaseSettings.DEFAULT_SQLITE_SYNCHRONOUS.name(),
          "--signup", SignUpPolicy.CLOSED.open() ? "open" : "closed",
          "--api", ServerConfig.DEFAULT_API.flagValue());

  /** The default of the option named {@code longName}, or null when it has none here. */
  static String forOption(String longName) {
    return BY_OPTION.get(longName);
  }

  // A default that is not a whole number of the option's unit would be silently rounded: refuse it
  // when the class loads, so every CLI test fails instead.
  private static String whole(Duration value, ChronoUnit unit) {
    long n = value.dividedBy(unit.getDuration());
    if (!unit.getDuration().multipliedBy(n).equals(value)) {
      throw new IllegalStateException(value + " is not a whole number of " + unit);
    }
    return Long.toString(n);
  }
}
