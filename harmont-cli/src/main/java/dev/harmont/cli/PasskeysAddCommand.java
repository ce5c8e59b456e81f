package dev.harmont.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code harmont passkeys add}: adding a passkey needs the person's authenticator, which only a
 * browser can talk to, so this opens the console's Passkeys section. A server addressed by a
 * loopback IP is opened at {@code localhost} instead: browsers refuse passkeys on an IP address.
 */
@Command(
    name = "add",
    mixinStandardHelpOptions = true,
    description = "Open the console's Passkeys section in your browser to add a passkey.")
final class PasskeysAddCommand implements Callable<Integer> {
  private final CliContext context;

  @Mixin ClientOptions options;

  @Option(names = "--no-browser", description = "Print the address instead of opening it.")
  boolean noBrowser;

  PasskeysAddCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    URI page = passkeysPage(options.apiUrl(context));
    boolean opened = !noBrowser && context.browser().open(page);
    context
        .err()
        .println(
            opened
                ? "Opened your browser at the console's Passkeys section. If it did not, open:"
                : "Open this address in your browser and choose Add passkey:");
    context.err().println(page);
    context.err().flush();
    return ExitCodes.OK;
  }

  /** The console's Passkeys section: {@code API/#passkeys}, with a loopback IP named localhost. */
  static URI passkeysPage(String apiUrl) {
    URI api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
    String host = api.getHost();
    boolean loopbackIp =
        host != null && (host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    try {
      return new URI(
          api.getScheme(),
          null,
          loopbackIp ? "localhost" : host,
          api.getPort(),
          api.getPath(),
          null,
          "passkeys");
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + apiUrl, e);
    }
  }
}
