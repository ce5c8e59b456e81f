package dev.harmont.cloud;

import java.util.Objects;
import java.util.UUID;

/**
 * The authenticated user, as returned by {@link HarmontClient#getCurrentUser()} and {@link
 * HarmontClient#updateCurrentUser(UserUpdate)} (the contract's {@code CurrentUserResponse}).
 *
 * @param uuid the user's stable id
 * @param email the user's email address
 * @param name the display name, or {@code null} when the user has none
 * @param personalOrgSlug the slug of the user's personal organization, or {@code null}
 */
public record CurrentUser(UUID uuid, String email, String name, String personalOrgSlug) {
  /**
   * Checks the required fields.
   *
   * @throws NullPointerException if {@code uuid} or {@code email} is null
   */
  public CurrentUser {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(email, "email");
  }
}
