package dev.harmont.server;

import java.util.Locale;

/** Which endpoints a node serves ({@code --api}). */
public enum ApiMode {
  /** Every endpoint: the account API, the console, verification and introspection. */
  ALL,
  /**
   * Only {@code /api/v0/auth/verify}, {@code /api/v0/oauth/introspect}, health ({@code /healthz},
   * {@code /readyz}), the OpenAPI document and error pages (metrics stay on their own listener): a
   * fleet of verifiers beside the proxies. Everything else is 404 {@code route_not_found}.
   */
  VERIFY;

  /** The flag's spelling: {@code all}, {@code verify}. */
  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
