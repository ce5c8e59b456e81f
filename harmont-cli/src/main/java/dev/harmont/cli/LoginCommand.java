package dev.harmont.cli;

import dev.harmont.cloud.CurrentUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont login}: check a token and save it in the credential file. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description =
        "Check an API token and save it, with the API URL, in"
            + " $XDG_CONFIG_HOME/harmont/credentials (mode 0600). The token comes from --token,"
            + " else HARMONT_TOKEN, else a hidden prompt, else one line of stdin.")
final class LoginCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  LoginCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String token = readToken();
    if (token == null || token.isBlank()) {
      throw new CliFailure(ExitCodes.USAGE, "no token given");
    }
    token = token.strip();
    CurrentUser user = options.client(context, token).getCurrentUser();
    new Credentials(options.apiUrl(context), token).store(context.env());
    context.err().println("Logged in as " + user.email());
    context.err().flush();
    if (options.json) {
      context.out().println(Json.user(user));
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  private String readToken() {
    if (options.token != null && !options.token.isBlank()) {
      return options.token;
    }
    if (context.terminal().interactive()) {
      return context.terminal().readSecret("API token: ");
    }
    try {
      return context.in().readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the token from stdin", e);
    }
  }
}
