package dev.harmont.server.signin;

import java.net.URI;
import java.util.Locale;

/**
 * Who passkeys are made for: the WebAuthn relying party. Its id is a host name and the only origin
 * accepted is the one people open the console at. Browsers bind a passkey to the id and refuse to
 * use passkeys on an IP address, so a server reached at {@code http://127.0.0.1:8080} offers them
 * at {@code http://localhost:8080} instead (docs/passkeys.md).
 *
 * @param id the RP ID: the host of the public URL, e.g. {@code harmont.example.org} or {@code
 *     localhost}
 * @param origin the one origin accepted, e.g. {@code https://harmont.example.org}
 * @param name shown by the authenticator next to the account
 */
public record RelyingParty(String id, String origin, String name) {
  /** The name authenticators show. */
  public static final String NAME = "Harmont";

  /**
   * The relying party of a server: from {@code publicUrl} when the operator set one (origin = its
   * scheme, host and port; id = its host), else {@code http://localhost:PORT}: a server without a
   * public URL is reached on its own machine, and localhost is the host name browsers accept there.
   */
  public static RelyingParty of(String publicUrl, int port) {
    if (publicUrl == null || publicUrl.isBlank()) {
      return new RelyingParty("localhost", "http://localhost:" + port, NAME);
    }
    URI uri = URI.create(publicUrl.strip());
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    boolean defaultPort =
        uri.getPort() == -1
            || (scheme.equals("https") && uri.getPort() == 443)
            || (scheme.equals("http") && uri.getPort() == 80);
    String origin = scheme + "://" + host + (defaultPort ? "" : ":" + uri.getPort());
    String id = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    return new RelyingParty(id, origin, NAME);
  }
}
