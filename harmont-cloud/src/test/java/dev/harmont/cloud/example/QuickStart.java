package dev.harmont.cloud.example;

import dev.harmont.cloud.ApiToken;
import dev.harmont.cloud.ApiTokenCreate;
import dev.harmont.cloud.CreatedApiToken;
import dev.harmont.cloud.CurrentUser;
import dev.harmont.cloud.HarmontClient;
import dev.harmont.cloud.HarmontException;
import dev.harmont.cloud.NotFoundException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/** The README's quick start. The SDK's tests run it against a real server. */
public final class QuickStart {
  public static void main(String[] args) {
    // One client per application, shared by all threads. The token comes from the
    // HARMONT_TOKEN environment variable; the base URL defaults to https://api.harmont.dev.
    HarmontClient client = HarmontClient.builder().userAgent("quickstart/1.0").build();
    try {
      run(client, System.out);
    } catch (HarmontException e) {
      // The message names the error code and the request id, enough for a support ticket.
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  static void run(HarmontClient client, PrintStream out) {
    CurrentUser me = client.getCurrentUser();
    out.println("Signed in as " + me.email() + " (" + me.personalOrgSlug() + ")");

    // A key for CI that expires in 90 days. Its secret is shown only this once: store it now.
    CreatedApiToken created =
        client.createApiToken(
            ApiTokenCreate.builder()
                .description("CI deploy key")
                .expiresAt(Instant.now().plus(Duration.ofDays(90)))
                .build());
    HarmontClient ci = client.withToken(created.secret());
    out.println("The new key works for " + ci.getCurrentUser().email());

    for (ApiToken key : client.listApiTokens().apiTokens()) {
      out.println("Key " + key.id() + " \"" + key.description() + "\" expires " + key.expiresAt());
    }

    // Revoking is irreversible: the key stops working at once.
    client.revokeApiToken(created.apiToken().id());
    try {
      client.revokeApiToken(created.apiToken().id());
    } catch (NotFoundException e) {
      out.println("Already revoked: " + e.code());
    }
  }
}
