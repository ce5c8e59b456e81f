package dev.harmont.cloud;

import java.util.List;

/**
 * Every passkey of the current user, oldest first, as returned by {@link
 * HarmontClient#listPasskeys()} (the contract's {@code PasskeyListResponse}).
 *
 * @param passkeys the passkeys; an unmodifiable list
 */
public record PasskeyList(List<Passkey> passkeys) {
  /**
   * Copies the list, so the record stays immutable.
   *
   * @throws NullPointerException if the list or one of its elements is null
   */
  public PasskeyList {
    passkeys = List.copyOf(passkeys);
  }
}
