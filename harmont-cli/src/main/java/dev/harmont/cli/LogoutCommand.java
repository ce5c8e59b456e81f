package dev.harmont.cli;

import dev.harmont.cloud.AuthenticationException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code harmont logout}: revoke the stored token on the server, then forget it. */
@Command(
    name = "logout",
    mixinStandardHelpOptions = true,
    description = "Revoke the saved token on the server and delete the credential file.")
final class LogoutCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  LogoutCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Optional<String> token = options.token(context);
    if (token.isEmpty()) {
      context.err().println("Not logged in.");
      context.err().flush();
      return ExitCodes.OK;
    }
    try {
      options.client(context, token.get()).logout();
    } catch (AuthenticationException e) {
      // The token already does not work: forgetting it is all that is left to do.
    }
    Credentials.delete(context.env());
    context.err().println("Logged out.");
    context.err().flush();
    return ExitCodes.OK;
  }
}
