package dev.harmont.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** The top of {@code harmont}: server side ({@code serve}, {@code admin}) and client side. */
@Command(
    name = "harmont",
    mixinStandardHelpOptions = true,
    versionProvider = HarmontCommand.Version.class,
    description = "Harmont User API: run the server, manage accounts and API keys.",
    subcommands = {
      ServeCommand.class,
      AdminCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      WhoamiCommand.class,
      RenameCommand.class,
      DeleteAccountCommand.class,
      KeysCommand.class,
      PasskeysCommand.class,
      EventsCommand.class,
      CompletionCommand.class
    })
final class HarmontCommand {

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = HarmontCommand.class.getPackage().getImplementationVersion();
      return new String[] {"harmont " + (version == null ? "dev" : version)};
    }
  }
}
