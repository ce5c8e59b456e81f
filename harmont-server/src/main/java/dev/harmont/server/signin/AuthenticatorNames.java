package dev.harmont.server.signin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Names of well-known authenticator models by AAGUID ("Google Password Manager", "iCloud Keychain",
 * "YubiKey 5 Series"…), from a list shipped with the server ({@code aaguids.properties}, taken from
 * the community list at github.com/passkeydeveloper/passkey-authenticator-aaguids). Only a label
 * for people: an AAGUID is what the authenticator claims, never checked (attestation is {@code
 * none}), so nothing may depend on it.
 */
public final class AuthenticatorNames {
  private static final Map<UUID, String> NAMES = load();

  private AuthenticatorNames() {}

  /** The provider's name for {@code aaguid}; empty for unknown models and the nil AAGUID. */
  public static Optional<String> of(UUID aaguid) {
    return aaguid == null ? Optional.empty() : Optional.ofNullable(NAMES.get(aaguid));
  }

  private static Map<UUID, String> load() {
    Properties properties = new Properties();
    try (InputStream in = AuthenticatorNames.class.getResourceAsStream("aaguids.properties")) {
      if (in == null) {
        throw new IllegalStateException("missing resource aaguids.properties");
      }
      properties.load(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<UUID, String> out = new HashMap<>();
    properties.forEach((k, v) -> out.put(UUID.fromString((String) k), (String) v));
    return Map.copyOf(out);
  }
}
