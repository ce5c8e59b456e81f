package dev.harmont.cli;

import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.AuthCacheSettings;
import picocli.CommandLine.Option;

/** The API-key limits; shared by {@code serve} and the admin commands that mint keys. */
final class KeyLimitOptions {
  @Option(
      names = "--max-keys-per-user",
      paramLabel = "N",
      defaultValue = "" + AccountSettings.DEFAULT_MAX_LIVE_KEYS_PER_USER,
      description =
          "Live personal API keys a user may hold (env HARMONT_MAX_KEYS_PER_USER; default:"
              + " ${DEFAULT-VALUE}).")
  int maxKeysPerUser;

  @Option(
      names = "--max-description-length",
      paramLabel = "N",
      defaultValue = "" + AccountSettings.DEFAULT_MAX_DESCRIPTION_LENGTH,
      description =
          "Characters in a key description (env HARMONT_MAX_DESCRIPTION_LENGTH; default:"
              + " ${DEFAULT-VALUE}).")
  int maxDescriptionLength;

  AccountSettings accountSettings() {
    return new AccountSettings(
        maxKeysPerUser,
        maxDescriptionLength,
        AccountSettings.DEFAULT_SESSION_TTL,
        AccountSettings.DEFAULT_EVENT_RETENTION,
        AuthCacheSettings.OFF);
  }
}
