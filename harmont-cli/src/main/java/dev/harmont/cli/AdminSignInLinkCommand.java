package dev.harmont.cli;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.SignInLinks;
import dev.harmont.server.admin.Admin;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code harmont admin sign-in-link}: a one-time link to the web console for an existing user, for
 * onboarding someone without handing them an API key. The code travels in the URL's fragment, which
 * browsers never send to a server, so it stays out of access logs and {@code Referer} headers.
 */
@Command(
    name = "sign-in-link",
    mixinStandardHelpOptions = true,
    description =
        "Make a one-time web console sign-in link for an existing user (works once, for 15"
            + " minutes). Prints it as the last line of stdout.")
final class AdminSignInLinkCommand implements Callable<Integer> {
  private final CliContext context;

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin DatabaseOptions database;

  @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The user.")
  String email;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "Base URL people reach the server at (env HARMONT_PUBLIC_URL; default"
              + " http://127.0.0.1:8080).")
  String publicUrl;

  AdminSignInLinkCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    String base = base(spec, publicUrl);
    try (Admin admin = Admin.open(database.settings(context.env()))) {
      SignInLinks.Issued link = admin.issueSignInLink(email);
      context
          .err()
          .println(
              "Sign-in link for "
                  + email
                  + ": open it in a browser; it works once, until "
                  + link.expiresAt()
                  + ".");
      context.err().flush();
      context.out().println(base + "/sign-in#code=" + link.code());
      context.out().flush();
    }
    return ExitCodes.OK;
  }

  /**
   * The base URL links point at: {@code --public-url} (or its variable) without a trailing slash,
   * else the default listen address; a usage error unless it is an http(s) URL.
   */
  static String base(CommandLine.Model.CommandSpec spec, String publicUrl) {
    String url =
        publicUrl == null || publicUrl.isBlank()
            ? "http://" + ServerConfig.DEFAULT_HOST + ":" + ServerConfig.DEFAULT_PORT
            : publicUrl.strip();
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new URISyntaxException(url, "not an http(s) base URL");
      }
    } catch (URISyntaxException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--public-url must be an http:// or https:// URL such as https://harmont.example.org,"
              + " got '"
              + url
              + "'");
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
