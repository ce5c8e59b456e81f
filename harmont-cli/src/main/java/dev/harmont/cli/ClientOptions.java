package dev.harmont.cli;

import dev.harmont.cloud.HarmontClient;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every client command shares: where the API is, which token to send, and whether to
 * print machine output. A flag wins over its {@code HARMONT_*} variable, which wins over the
 * credential file written by {@code harmont login}.
 */
final class ClientOptions {
  @Option(
      names = "--api-url",
      paramLabel = "URL",
      description =
          "API base URL (env HARMONT_API_URL; else the one saved by login; else"
              + " https://api.harmont.dev). Self-hosted: http://127.0.0.1:8080.")
  String apiUrl;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "API token (env HARMONT_TOKEN; else the one saved by login). Never printed.")
  String token;

  @Option(names = "--json", description = "Print the API's JSON on stdout.")
  boolean json;

  /** The URL to use: flag or variable, else the stored one, else the public API. */
  String apiUrl(CliContext context) {
    if (apiUrl != null && !apiUrl.isBlank()) {
      return apiUrl.strip();
    }
    return Credentials.load(context.env())
        .map(Credentials::apiUrl)
        .filter(url -> url != null && !url.isBlank())
        .orElse(HarmontClient.DEFAULT_BASE_URL.toString());
  }

  /** The token given by flag or variable, else the stored one. */
  Optional<String> token(CliContext context) {
    if (token != null && !token.isBlank()) {
      return Optional.of(token.strip());
    }
    return Credentials.load(context.env()).map(Credentials::token);
  }

  /** Whether the token in use comes from the credential file. */
  boolean usesStoredToken() {
    return token == null || token.isBlank();
  }

  /** A client for the resolved URL and token; exit 3 when there is no token at all. */
  HarmontClient client(CliContext context) {
    String secret =
        token(context)
            .orElseThrow(
                () ->
                    new CliFailure(
                        ExitCodes.AUTHENTICATION,
                        "not logged in: run `harmont login`, or pass --token or set HARMONT_TOKEN"));
    return client(context, secret);
  }

  /** A client for the resolved URL and the given token. */
  HarmontClient client(CliContext context, String secret) {
    String url = apiUrl(context);
    try {
      return HarmontClient.builder().baseUrl(url).token(secret).build();
    } catch (IllegalArgumentException e) {
      throw new CliFailure(ExitCodes.USAGE, "invalid --api-url or --token: " + e.getMessage());
    }
  }
}
