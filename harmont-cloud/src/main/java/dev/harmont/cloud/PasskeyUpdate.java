package dev.harmont.cloud;

import java.util.Objects;

/**
 * The new values for {@link HarmontClient#renamePasskey(String, PasskeyUpdate)} (the contract's
 * {@code PasskeyUpdateRequest}).
 *
 * @param nickname 1 to 100 characters after trimming, without control characters (the server
 *     checks)
 */
public record PasskeyUpdate(String nickname) {
  /**
   * Checks the nickname is given.
   *
   * @throws NullPointerException if {@code nickname} is null
   */
  public PasskeyUpdate {
    Objects.requireNonNull(nickname, "nickname");
  }
}
