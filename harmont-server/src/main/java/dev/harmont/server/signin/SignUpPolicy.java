package dev.harmont.server.signin;

import java.util.List;
import java.util.Locale;

/**
 * Who may create an account themselves, as the operator decided ({@code --signup}, {@code
 * --signup-domains}, {@code --signup-cap}). Invited and operator-made accounts are never subject to
 * it.
 *
 * @param open false: nobody signs up alone (the default)
 * @param domains when open, the only email domains allowed (lowercase); empty: every domain
 * @param cap the most accounts there may be for a sign-up to go through; 0: no cap
 */
public record SignUpPolicy(boolean open, List<String> domains, long cap) {
  /** No cap on the number of accounts: the default. */
  public static final long DEFAULT_CAP = 0;

  /** The default: closed, no domains, no cap. */
  public static final SignUpPolicy CLOSED = new SignUpPolicy(false, List.of(), DEFAULT_CAP);

  public SignUpPolicy {
    domains =
        domains.stream()
            .map(d -> d.strip().toLowerCase(Locale.ROOT))
            .filter(d -> !d.isEmpty())
            .toList();
    for (String domain : domains) {
      if (domain.contains("@") || domain.startsWith(".") || domain.contains(" ")) {
        throw new IllegalArgumentException(
            "sign-up domain must be a bare domain such as example.org, got " + domain);
      }
    }
    if (!domains.isEmpty() && !open) {
      throw new IllegalArgumentException(
          "sign-up domains need sign-up open (--signup open --signup-domains "
              + String.join(",", domains)
              + ")");
    }
    if (cap < 0) {
      throw new IllegalArgumentException("sign-up cap must be 0 (none) or more, got " + cap);
    }
  }

  /** True when a person with the (normalized) address {@code email} may sign up alone. */
  public boolean allows(String email) {
    if (!open) {
      return false;
    }
    if (domains.isEmpty()) {
      return true;
    }
    String domain = email.substring(email.lastIndexOf('@') + 1);
    return domains.contains(domain);
  }
}
