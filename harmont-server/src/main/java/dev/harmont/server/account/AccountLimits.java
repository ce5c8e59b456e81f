package dev.harmont.server.account;

/**
 * The domain's limits.
 *
 * @param maxLiveKeysPerUser personal keys (not revoked, not expired) a user may hold at once
 * @param maxDescriptionLength code points in a key description
 */
public record AccountLimits(int maxLiveKeysPerUser, int maxDescriptionLength) {
  public static final AccountLimits DEFAULTS = of(AccountSettings.DEFAULTS);

  /** The limits among {@code settings}. */
  public static AccountLimits of(AccountSettings settings) {
    return new AccountLimits(settings.maxLiveKeysPerUser(), settings.maxDescriptionLength());
  }
}
