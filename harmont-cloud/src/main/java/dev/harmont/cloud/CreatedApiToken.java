package dev.harmont.cloud;

import java.util.Objects;

/**
 * A newly created personal API key and its secret, as returned by {@link
 * HarmontClient#createApiToken(ApiTokenCreate)} (the contract's {@code ApiTokenCreateResponse}).
 *
 * <p><strong>The secret is shown only this once.</strong> The server keeps only a hash of it and
 * can never return it again: store it now (in a secret manager, not a log). {@link #toString()}
 * leaves it out, so logging this record does not leak it.
 *
 * @param secret the raw API key (it starts with {@code hm_}), to send as {@code Authorization:
 *     Bearer <secret>}, for instance through {@link HarmontClient#withToken(String)}
 * @param apiToken the key's description, as {@link HarmontClient#listApiTokens()} will show it
 */
public record CreatedApiToken(String secret, ApiToken apiToken) {
  /**
   * Checks the fields.
   *
   * @throws NullPointerException if {@code secret} or {@code apiToken} is null
   */
  public CreatedApiToken {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(apiToken, "apiToken");
  }

  /**
   * Describes the key without its secret.
   *
   * @return the key's description, the secret replaced by a placeholder
   */
  @Override
  public String toString() {
    return "CreatedApiToken[secret=<redacted>, apiToken=" + apiToken + "]";
  }
}
