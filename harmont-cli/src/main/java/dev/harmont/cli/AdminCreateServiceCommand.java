package dev.harmont.cli;

import dev.harmont.server.account.CreatedServiceCredential;
import dev.harmont.server.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont admin create-service}: a service credential for token introspection. */
@Command(
    name = "create-service",
    mixinStandardHelpOptions = true,
    description =
        "Create a service credential: a secret (hms_…) another service presents to"
            + " POST /api/v0/oauth/introspect. It can introspect tokens and nothing else. Prints"
            + " it as the last line of stdout; it is shown only once.")
final class AdminCreateServiceCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Option(
      names = "--name",
      required = true,
      paramLabel = "NAME",
      description = "The service, e.g. runner-api (lowercase letters, digits, . - _; ≤ 64).")
  String name;

  AdminCreateServiceCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      CreatedServiceCredential created = admin.createService(name);
      context
          .err()
          .println(
              "New service credential " + created.credential().name() + "; it is shown only once:");
      context.err().flush();
      context.out().println(created.secret());
      context.out().flush();
    }
    return ExitCodes.OK;
  }
}
