package dev.harmont.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.CollectedClientDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.ClientDataType;
import com.webauthn4j.data.client.CollectedClientData;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.AuthenticationExtensionAuthenticatorOutput;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * A software passkey authenticator for API tests: makes real ES256 credentials and signs real
 * assertions over the server's options, as a browser with a platform authenticator would send them
 * ({@code PublicKeyCredential.toJSON()}). The encodings are webauthn4j's own data classes and
 * converters, the signatures the JDK's; nothing is hand-encoded. Its knobs make the responses a
 * broken or hostile client would send: another origin or RP ID, user verification off, a counter
 * that goes backwards.
 */
public final class SoftAuthenticator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectConverter CONVERTER = new ObjectConverter();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A credential this authenticator holds. */
  public static final class Credential {
    final byte[] id;
    final KeyPair keys;
    final byte[] userHandle;
    long counter;

    Credential(byte[] id, KeyPair keys, byte[] userHandle) {
      this.id = id;
      this.keys = keys;
      this.userHandle = userHandle;
    }

    /** The credential id, base64url. */
    public String id() {
      return B64.encodeToString(id);
    }

    /** Sets the counter the next assertion starts from (it signs {@code value + 1}). */
    public void counter(long value) {
      counter = value;
    }
  }

  private final List<Credential> credentials = new ArrayList<>();
  private String origin;
  private String rpId;
  private boolean userVerified = true;
  private boolean countsSignatures = true;
  private UUID aaguid = new UUID(0, 0);

  /** An authenticator used from a page at {@code origin} for relying party {@code rpId}. */
  public SoftAuthenticator(String origin, String rpId) {
    this.origin = origin;
    this.rpId = rpId;
  }

  /** The origin the browser reports in client data from now on. */
  public SoftAuthenticator origin(String value) {
    origin = value;
    return this;
  }

  /** The RP ID whose hash the authenticator data carries from now on. */
  public SoftAuthenticator rpId(String value) {
    rpId = value;
    return this;
  }

  /** Whether the UV flag is set from now on. */
  public SoftAuthenticator userVerified(boolean value) {
    userVerified = value;
    return this;
  }

  /** Whether signatures carry a counter (false: always 0, as synced passkeys do). */
  public SoftAuthenticator countsSignatures(boolean value) {
    countsSignatures = value;
    return this;
  }

  public SoftAuthenticator aaguid(UUID value) {
    aaguid = value;
    return this;
  }

  /** The newest credential made. */
  public Credential last() {
    return credentials.get(credentials.size() - 1);
  }

  /**
   * Creates a credential from {@code creationOptions} (the {@code options} of register/options) and
   * returns the attestation ({@code PublicKeyCredential.toJSON()} of {@code create}).
   */
  public ObjectNode register(JsonNode creationOptions) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair keys = generator.generateKeyPair();
      byte[] id = new byte[32];
      RANDOM.nextBytes(id);
      byte[] userHandle =
          Base64.getUrlDecoder().decode(creationOptions.path("user").path("id").asText());
      Credential credential = new Credential(id, keys, userHandle);
      credentials.add(credential);

      byte[] clientData =
          clientData(ClientDataType.WEBAUTHN_CREATE, creationOptions.path("challenge").asText());
      AttestedCredentialData attested =
          new AttestedCredentialData(
              new AAGUID(aaguid),
              id,
              EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
      AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data =
          new AuthenticatorData<>(
              rpIdHash(), (byte) (flags() | AuthenticatorData.BIT_AT), 0, attested);
      byte[] attestationObject =
          new AttestationObjectConverter(CONVERTER)
              .convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));

      ObjectNode out = credentialJson(id);
      ObjectNode response = out.putObject("response");
      response.put("clientDataJSON", B64.encodeToString(clientData));
      response.put("attestationObject", B64.encodeToString(attestationObject));
      response.putArray("transports").add("internal");
      return out;
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Signs an assertion over {@code requestOptions} with the newest credential. */
  public ObjectNode assertion(JsonNode requestOptions) {
    return assertion(requestOptions, last());
  }

  /** Signs an assertion over {@code requestOptions} (login/options) with {@code credential}. */
  public ObjectNode assertion(JsonNode requestOptions, Credential credential) {
    try {
      if (countsSignatures) {
        credential.counter++;
      }
      byte[] clientData =
          clientData(ClientDataType.WEBAUTHN_GET, requestOptions.path("challenge").asText());
      byte[] authenticatorData =
          new AuthenticatorDataConverter(CONVERTER)
              .convert(
                  new AuthenticatorData<AuthenticationExtensionAuthenticatorOutput>(
                      rpIdHash(), flags(), countsSignatures ? credential.counter : 0));
      Signature signer = Signature.getInstance("SHA256withECDSA");
      signer.initSign(credential.keys.getPrivate());
      signer.update(authenticatorData);
      signer.update(MessageDigest.getInstance("SHA-256").digest(clientData));

      ObjectNode out = credentialJson(credential.id);
      ObjectNode response = out.putObject("response");
      response.put("clientDataJSON", B64.encodeToString(clientData));
      response.put("authenticatorData", B64.encodeToString(authenticatorData));
      response.put("signature", B64.encodeToString(signer.sign()));
      response.put("userHandle", B64.encodeToString(credential.userHandle));
      return out;
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Adds a passkey on this authenticator to the account of {@code bearer} through the server at
   * {@code base} (register options, then finalize), as the console does; returns the API's passkey.
   */
  public JsonNode enrol(java.net.URI base, String bearer) {
    JsonNode options = post(base, "/api/v0/auth/passkey/register/options", bearer, "{}", 200);
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", options.get("challenge_id").asText());
    body.set("attestation", register(options.get("options")));
    return post(base, "/api/v0/auth/passkey/register/finalize", bearer, body.toString(), 201);
  }

  /** Signs in with the newest credential through the server at {@code base}; the session token. */
  public String signIn(java.net.URI base) {
    JsonNode options = post(base, "/api/v0/auth/passkey/login/options", null, "{}", 200);
    ObjectNode body = JSON.createObjectNode();
    body.put("challenge_id", options.get("challenge_id").asText());
    body.set("assertion", assertion(options.get("options")));
    return post(base, "/api/v0/auth/passkey/login/finalize", null, body.toString(), 200)
        .get("token")
        .asText();
  }

  private static JsonNode post(
      java.net.URI base, String path, String bearer, String json, int expected) {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.HttpResponse<String> response =
          http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expected) {
        throw new AssertionError(
            path + " answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private byte flags() {
    return (byte) (AuthenticatorData.BIT_UP | (userVerified ? AuthenticatorData.BIT_UV : 0));
  }

  private byte[] rpIdHash() throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(rpId.getBytes(StandardCharsets.UTF_8));
  }

  private byte[] clientData(ClientDataType type, String challenge) {
    return new CollectedClientDataConverter(CONVERTER)
        .convertToBytes(
            new CollectedClientData(
                type,
                new DefaultChallenge(Base64.getUrlDecoder().decode(challenge)),
                new Origin(origin),
                null));
  }

  private static ObjectNode credentialJson(byte[] id) {
    ObjectNode out = JSON.createObjectNode();
    out.put("id", B64.encodeToString(id));
    out.put("rawId", B64.encodeToString(id));
    out.put("type", "public-key");
    out.put("authenticatorAttachment", "platform");
    out.putObject("clientExtensionResults");
    return out;
  }
}
