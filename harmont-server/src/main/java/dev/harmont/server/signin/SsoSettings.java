package dev.harmont.server.signin;

import java.net.URI;
import java.util.List;

/**
 * The single sign-on providers an operator configured: one generic OpenID Connect provider, Google
 * (OpenID Connect at Google's issuer) and GitHub (OAuth 2). A provider is on when its client id is
 * set. Built by {@code ServerConfig}.
 *
 * @param oidc the generic provider, or null
 * @param google Google, or null
 * @param github GitHub, or null
 * @param signup whether a first sign-in whose verified address no account has creates one
 */
public record SsoSettings(Oidc oidc, Oidc google, Github github, boolean signup) {

  public static final String DEFAULT_OIDC_NAME = "Company SSO";
  public static final String DEFAULT_OIDC_SCOPES = "openid email profile";
  public static final String DEFAULT_GOOGLE_ISSUER = "https://accounts.google.com";
  public static final String DEFAULT_GITHUB_URL = "https://github.com";
  public static final String DEFAULT_GITHUB_API_URL = "https://api.github.com";

  /**
   * An OpenID Connect provider.
   *
   * @param key {@code oidc} or {@code google}: how the API names it
   * @param name the button's text after "Continue with", and the name in the security log
   * @param issuer where {@code /.well-known/openid-configuration} is
   */
  public record Oidc(
      String key,
      String name,
      URI issuer,
      String clientId,
      String clientSecret,
      List<String> scopes) {
    public Oidc {
      if (clientSecret == null || clientSecret.isBlank()) {
        throw new IllegalArgumentException(
            "the " + name + " client secret must be given with its client id");
      }
      scopes = List.copyOf(scopes);
    }

    @Override
    public String toString() {
      return "Oidc[" + key + ", " + issuer + ", client " + clientId + "]";
    }
  }

  /** GitHub's OAuth app: {@code url} is github.com's, {@code apiUrl} its REST API's. */
  public record Github(String clientId, String clientSecret, URI url, URI apiUrl) {
    public Github {
      if (clientSecret == null || clientSecret.isBlank()) {
        throw new IllegalArgumentException("the GitHub client secret must be given with its id");
      }
    }

    @Override
    public String toString() {
      return "Github[" + url + ", client " + clientId + "]";
    }
  }
}
