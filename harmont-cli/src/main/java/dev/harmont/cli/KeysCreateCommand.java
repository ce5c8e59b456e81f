package dev.harmont.cli;

import dev.harmont.cloud.ApiTokenCreate;
import dev.harmont.cloud.CreatedApiToken;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code harmont keys create}: a new key; its secret alone on stdout, shown only once. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description =
        "Create an API key. Prints the secret alone on stdout; it is shown only this once.")
final class KeysCreateCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Option(
      names = "--description",
      paramLabel = "TEXT",
      description = "Label for the key (at most 255 characters).")
  String description;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Expiry expiry;

  /** At most one way to say when the key expires. */
  static final class Expiry {
    @Option(
        names = "--expires-in",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Expire after this long: 30d, 12h or 90m.")
    Duration expiresIn;

    @Option(
        names = "--expires-at",
        paramLabel = "RFC3339",
        converter = InstantConverter.class,
        description = "Expire at this time, e.g. 2030-01-01T00:00:00Z.")
    Instant expiresAt;
  }

  KeysCreateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Instant expiresAt = null;
    if (expiry != null) {
      expiresAt =
          expiry.expiresAt != null ? expiry.expiresAt : Instant.now().plus(expiry.expiresIn);
    }
    CreatedApiToken created =
        options
            .client(context)
            .createApiToken(
                ApiTokenCreate.builder().description(description).expiresAt(expiresAt).build());
    context
        .err()
        .println(
            "New API key "
                + created.apiToken().id()
                + ". Its secret is shown only this once: store it now.");
    context.err().flush();
    context.out().println(options.json ? Json.created(created) : created.secret());
    context.out().flush();
    return ExitCodes.OK;
  }

  /** {@code 30d}, {@code 12h}, {@code 90m}. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,6})([dhm])");

    @Override
    public Duration convert(String value) {
      Matcher m = FORMAT.matcher(value.strip());
      if (!m.matches()) {
        throw new TypeConversionException("'" + value + "' is not a duration like 30d, 12h or 90m");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofMinutes(n);
      };
    }
  }

  /** An RFC 3339 date-time with an offset. */
  static final class InstantConverter implements ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return OffsetDateTime.parse(value.strip()).toInstant();
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not an RFC 3339 date-time like 2030-01-01T00:00:00Z");
      }
    }
  }
}
