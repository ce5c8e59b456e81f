package dev.harmont.cli;

import dev.harmont.cloud.CurrentUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont login}: check a token and save it in the credential file. */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description =
        "Check an API token and save it, with the API URL, in"
            + " $XDG_CONFIG_HOME/harmont/credentials (mode 0600). With --web, the browser signs"
            + " the CLI in (a new key named `harmont CLI on HOSTNAME`); otherwise the token comes"
            + " from --token, else HARMONT_TOKEN, else a hidden prompt, else one line of stdin.")
final class LoginCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Option(
      names = "--web",
      description =
          "Sign in through the browser where you are signed in: it opens the console's"
              + " authorize page and receives a new key on 127.0.0.1 (RFC 8252 + PKCE).")
  boolean web;

  @Option(
      names = "--no-browser",
      description = "With --web: do not open a browser, print the address to open instead.")
  boolean noBrowser;

  @Option(
      names = "--paste",
      description =
          "With --web, for machines without a browser (SSH): print the address, open it anywhere,"
              + " and paste the code the page shows into the hidden prompt.")
  boolean paste;

  // Hidden: tests shorten it; people get the 5 minutes a code lives.
  @Option(names = "--web-timeout", hidden = true, defaultValue = "300", paramLabel = "SECONDS")
  int webTimeoutSeconds;

  LoginCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (web) {
      if (options.token != null && !options.token.isBlank()) {
        throw new CliFailure(ExitCodes.USAGE, "--web and --token exclude each other");
      }
      if (webTimeoutSeconds < 1) {
        throw new CliFailure(ExitCodes.USAGE, "--web-timeout must be at least 1 second");
      }
    } else if (noBrowser || paste) {
      throw new CliFailure(ExitCodes.USAGE, "--no-browser and --paste go with --web");
    }
    String token = web ? webToken() : readToken();
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

  private String webToken() {
    WebLogin login =
        new WebLogin(context, options.apiUrl(context), Duration.ofSeconds(webTimeoutSeconds));
    return paste ? login.viaPaste() : login.viaLoopback(!noBrowser);
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
