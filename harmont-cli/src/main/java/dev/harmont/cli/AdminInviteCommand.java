package dev.harmont.cli;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.admin.Admin;
import dev.harmont.server.signin.EmailLinks;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harmont admin invite}: creates a person's account when there is none and emails them a
 * welcome with a one-time link that sets up their passkey (the recovery flow, worded as a welcome).
 * The message is queued in the outbox, which the running server delivers; {@code --print} prints
 * the link instead, to hand over some other way. The token travels in the URL's fragment, so it
 * stays out of access logs and {@code Referer} headers.
 */
@Command(
    name = "invite",
    mixinStandardHelpOptions = true,
    description =
        "Invite a person: create their account if needed and email them a link to set up a"
            + " passkey (works once, for 72 hours). With --print, print the link as the last line"
            + " of stdout instead of emailing it.")
final class AdminInviteCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatabaseOptions database;

  // The welcome is sealed in the outbox with the server's key: with PostgreSQL, the same file.
  @Mixin SecretKeyOption secretKey;

  @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "Whom to invite.")
  String email;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Their display name, for a new account (default: the address's local part).")
  String name;

  @Option(names = "--print", description = "Print the link instead of emailing it.")
  boolean print;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "Base URL people reach the server at (env HARMONT_PUBLIC_URL; default"
              + " http://localhost:8080, where browsers allow passkeys).")
  String publicUrl;

  AdminInviteCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String base =
        AdminSignInLinkCommand.base(
            spec,
            publicUrl == null || publicUrl.isBlank()
                ? "http://localhost:" + ServerConfig.DEFAULT_PORT
                : publicUrl);
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      if (secretKey.file != null) {
        admin.useSecretKeyFile(secretKey.file);
      }
      EmailLinks.Invitation invitation = admin.invite(email, name, !print, base);
      String who = invitation.user().email();
      if (print) {
        context
            .err()
            .println(
                "Invitation for "
                    + who
                    + ": give them this link; it works once, until "
                    + invitation.expiresAt()
                    + ".");
        context.err().flush();
        context.out().println(invitation.link());
        context.out().flush();
      } else {
        context
            .err()
            .println(
                "Invitation for "
                    + who
                    + " queued: the server emails it (the link works once, until "
                    + invitation.expiresAt()
                    + ").");
        context.err().flush();
      }
    }
    return ExitCodes.OK;
  }
}
