package dev.harmont.cli;

import dev.harmont.server.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code harmont admin revoke-service}: ends a service credential, on every node at once. */
@Command(
    name = "revoke-service",
    mixinStandardHelpOptions = true,
    description =
        "Revoke a service credential: its next introspection is refused (401), on every node.")
final class AdminRevokeServiceCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin DatabaseOptions database;

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The service.")
  String name;

  AdminRevokeServiceCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      admin.revokeService(name);
      context.err().println("Revoked service credential " + name.strip() + ".");
      context.err().flush();
    }
    return ExitCodes.OK;
  }
}
