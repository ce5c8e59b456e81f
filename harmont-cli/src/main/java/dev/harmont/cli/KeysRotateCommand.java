package dev.harmont.cli;

import dev.harmont.cloud.ApiTokenRotate;
import dev.harmont.cloud.CreatedApiToken;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code harmont keys rotate ID}: a new secret for an existing key (same id and description); the
 * new secret alone on stdout, shown only once, like {@code keys create}.
 */
@Command(
    name = "rotate",
    mixinStandardHelpOptions = true,
    description = {
      "Give a key a new secret, keeping its id and description. Prints the new secret alone on"
          + " stdout; it is shown only this once.",
      "The old secret stops at once, or after --grace so that running programs can switch over."
    })
final class KeysRotateCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "ID", description = "The key's id (see `keys list`).")
  String id;

  @Option(
      names = "--grace",
      paramLabel = "DURATION",
      converter = GraceConverter.class,
      description = "Keep the old secret working this long: 0 (default), 30s, 10m, 2h, up to 1d.")
  Duration grace;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Expiry expiry;

  /** At most one way to say when the rotated key expires; none keeps its lifetime. */
  static final class Expiry {
    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        converter = KeysCreateCommand.DurationConverter.class,
        description = "Expire after this long: 30d, 12h or 90m.")
    Duration expiresIn;

    @Option(
        names = "--expires-at",
        paramLabel = "RFC3339",
        converter = KeysCreateCommand.InstantConverter.class,
        description = "Expire at this time, e.g. 2030-01-01T00:00:00Z.")
    Instant expiresAt;

    @Option(names = "--never-expires", description = "Make the key never expire.")
    boolean neverExpires;
  }

  KeysRotateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ApiTokenRotate.Builder params = ApiTokenRotate.builder().gracePeriod(grace);
    if (expiry != null) {
      if (expiry.neverExpires) {
        params.neverExpires();
      } else {
        params.expiresAt(
            expiry.expiresAt != null ? expiry.expiresAt : Instant.now().plus(expiry.expiresIn));
      }
    }
    CreatedApiToken rotated = options.client(context).rotateApiToken(id, params.build());
    context
        .err()
        .println(
            "Rotated API key "
                + rotated.apiToken().id()
                + " (now "
                + KeysListCommand.hinted(rotated.apiToken().hint())
                + "). "
                + (grace == null || grace.isZero()
                    ? "The old secret no longer works."
                    : "The old secret works for " + describe(grace) + " more.")
                + " The new secret is shown only this once: store it now.");
    context.err().flush();
    context.out().println(options.json ? Json.created(rotated) : rotated.secret());
    context.out().flush();
    return ExitCodes.OK;
  }

  private static String describe(Duration d) {
    return RelativeTime.format(Instant.EPOCH.plus(d), Instant.EPOCH).replaceFirst("^in ", "");
  }

  /** {@code 0}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}. */
  static final class GraceConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("(0|[1-9][0-9]{0,5})([smhd]?)");

    @Override
    public Duration convert(String value) {
      Matcher m = FORMAT.matcher(value.strip());
      if (!m.matches() || (m.group(2).isEmpty() && !m.group(1).equals("0"))) {
        throw new TypeConversionException(
            "'" + value + "' is not a grace period like 0, 30s, 10m, 2h or 1d");
      }
      long n = Long.parseLong(m.group(1));
      Duration grace =
          switch (m.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
          };
      if (grace.compareTo(ApiTokenRotate.MAX_GRACE_PERIOD) > 0) {
        throw new TypeConversionException(
            "'" + value + "' is longer than the longest grace period, 1d");
      }
      return grace;
    }
  }
}
