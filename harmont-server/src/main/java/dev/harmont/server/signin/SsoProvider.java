package dev.harmont.server.signin;

import java.net.URI;

/**
 * One single sign-on provider as {@link Sso} drives it: the URL to send the browser to, and the
 * back-channel exchange of the code it comes back with for a verified identity.
 */
interface SsoProvider {
  /** What the provider said about the person, once verified. */
  record Identity(
      String issuer, String subject, String email, boolean emailVerified, String name) {}

  /** {@code oidc}, {@code google} or {@code github}. */
  String key();

  /** The configured display name. */
  String name();

  /** True when the provider can be used now (its discovery document was fetched). */
  boolean available();

  /**
   * Where to send the browser.
   *
   * @throws dev.harmont.server.account.HarmontException {@code sso_provider_unavailable}
   */
  URI authorization(URI redirectUri, String state, String nonce, String codeVerifier);

  /**
   * Trades the code for the person's identity, verified.
   *
   * @param codeVerifier the PKCE verifier, null when the sign-in was started elsewhere (upstream's
   *     SPA endpoints)
   * @param nonce the expected ID token nonce, null likewise
   * @throws dev.harmont.server.account.HarmontException {@code sso_token_invalid}, {@code
   *     sso_provider_unavailable}
   */
  Identity exchange(String code, URI redirectUri, String codeVerifier, String nonce);
}
