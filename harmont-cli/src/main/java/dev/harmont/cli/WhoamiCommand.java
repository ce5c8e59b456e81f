package dev.harmont.cli;

import dev.harmont.cloud.CurrentToken;
import dev.harmont.cloud.CurrentUser;
import dev.harmont.cloud.HarmontClient;
import dev.harmont.cloud.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code harmont whoami}: the user the token belongs to, and which key (or session) the token is,
 * with a warning on stderr when it stops working within {@link #EXPIRY_WARNING}.
 */
@Command(
    name = "whoami",
    mixinStandardHelpOptions = true,
    description = {
      "Show the current user (email, name, uuid, personal organization) and the key in use.",
      "Warns on stderr when that key expires within 7 days."
    })
final class WhoamiCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  WhoamiCommand(CliContext context) {
    this.context = context;
  }

  /** A key that stops working sooner than this is worth a warning. */
  static final Duration EXPIRY_WARNING = Duration.ofDays(7);

  @Override
  public Integer call() {
    HarmontClient client = options.client(context);
    CurrentUser user = client.getCurrentUser();
    CurrentToken token;
    try {
      token = client.getCurrentToken();
    } catch (NotFoundException e) {
      token = null; // a server from before GET /api/v0/auth/token: the user alone
    }
    if (options.json) {
      context.out().println(Json.whoami(user, token));
      context.out().flush();
    } else {
      print(context, options, user);
      if (token != null) {
        printToken(token);
      }
    }
    if (token != null) {
      warnIfEndingSoon(token);
    }
    return ExitCodes.OK;
  }

  private void printToken(CurrentToken token) {
    Instant now = Instant.now();
    String what =
        CurrentToken.API_KEY.equals(token.kind())
            ? "API key "
                + KeysListCommand.hinted(token.hint())
                + (token.description() == null ? "" : " \"" + token.description() + "\"")
                + " (id "
                + token.id()
                + ")"
            : token.kind();
    context.out().println("token:        " + what);
    context.out().println("expires:      " + RelativeTime.format(token.expiresAt(), now));
    context.out().flush();
  }

  private void warnIfEndingSoon(CurrentToken token) {
    Instant now = Instant.now();
    if (token.previousSecretEndsAt() != null) {
      context
          .err()
          .println(
              "harmont: warning: this secret was replaced by a rotation and stops working "
                  + RelativeTime.format(token.previousSecretEndsAt(), now)
                  + " ("
                  + token.previousSecretEndsAt()
                  + "). Switch to the new secret.");
    } else if (token.stopsWithin(EXPIRY_WARNING, Clock.systemUTC())) {
      context
          .err()
          .println(
              "harmont: warning: this "
                  + (CurrentToken.API_KEY.equals(token.kind()) ? "key" : "session")
                  + " expires "
                  + RelativeTime.format(token.expiresAt(), now)
                  + " ("
                  + token.expiresAt()
                  + ")."
                  + (CurrentToken.API_KEY.equals(token.kind())
                      ? " Rotate it: harmont keys rotate " + token.id() + " --grace 10m"
                      : ""));
    }
    context.err().flush();
  }

  /** Prints a user as JSON or as labelled lines; shared with rename and login. */
  static void print(CliContext context, ClientOptions options, CurrentUser user) {
    if (options.json) {
      context.out().println(Json.user(user));
    } else {
      context.out().println("email:        " + user.email());
      context.out().println("name:         " + (user.name() == null ? "-" : user.name()));
      context.out().println("uuid:         " + user.uuid());
      context
          .out()
          .println(
              "organization: " + (user.personalOrgSlug() == null ? "-" : user.personalOrgSlug()));
    }
    context.out().flush();
  }
}
