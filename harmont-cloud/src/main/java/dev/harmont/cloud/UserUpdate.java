package dev.harmont.cloud;

import java.util.Objects;

/**
 * The editable profile fields, sent by {@link HarmontClient#updateCurrentUser(UserUpdate)} (the
 * contract's {@code UserUpdateRequest}).
 *
 * <p>The server validates the name (1 to 255 characters after trimming, no control characters) and
 * answers {@code user_name_invalid} otherwise; the SDK does not repeat those rules, so they can
 * evolve on the server alone.
 *
 * @param name the new display name
 */
public record UserUpdate(String name) {
  /**
   * Checks that a name is given.
   *
   * @throws NullPointerException if {@code name} is null
   */
  public UserUpdate {
    Objects.requireNonNull(name, "name: the new display name is required");
  }
}
