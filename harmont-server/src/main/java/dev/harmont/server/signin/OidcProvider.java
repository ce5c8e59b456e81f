package dev.harmont.server.signin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An OpenID Connect provider (the generic one, or Google), all protocol work Nimbus's: discovery
 * from the issuer, the authorization request with {@code state}, {@code nonce} and PKCE S256, the
 * code exchange with the client secret (HTTP Basic), and the ID token's validation (signature
 * against the provider's JWKS, re-fetched when a token names an unknown key, {@code iss}, {@code
 * aud}, {@code azp}, {@code exp}, {@code iat} within {@link #CLOCK_SKEW}, {@code nonce}). Only
 * asymmetric signatures the provider announces are accepted: never {@code none}, never HMAC.
 *
 * <p>Discovery runs at start on a background thread and again whenever the provider is asked for
 * while it is unknown (at most every {@link #RETRY_AFTER}) or older than {@link #REFRESH_AFTER}; a
 * provider down at start does not stop the server, its button says it is unavailable.
 */
final class OidcProvider implements SsoProvider {
  static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
  static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  static final Duration REFRESH_AFTER = Duration.ofHours(1);
  private static final int TIMEOUT_MS = 5_000;
  private static final System.Logger LOG = System.getLogger(OidcProvider.class.getName());

  private final SsoSettings.Oidc settings;
  private final Clock clock;

  /** What discovery gave, and the validator over its JWKS. */
  private record Discovered(
      OIDCProviderMetadata metadata, IDTokenValidator validator, Instant fetchedAt) {}

  private volatile Discovered discovered;
  private volatile Instant lastAttempt = Instant.MIN;

  OidcProvider(SsoSettings.Oidc settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String key() {
    return settings.key();
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public boolean available() {
    return current() != null;
  }

  /** Fetches the discovery document now; false (logged) when the provider cannot be reached. */
  synchronized boolean refresh() {
    lastAttempt = clock.instant();
    try {
      OIDCProviderMetadata metadata =
          OIDCProviderMetadata.resolve(new Issuer(settings.issuer()), TIMEOUT_MS, TIMEOUT_MS);
      Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
      List<JWSAlgorithm> announced = metadata.getIDTokenJWSAlgs();
      for (JWSAlgorithm alg : announced == null ? List.of(JWSAlgorithm.RS256) : announced) {
        if (JWSAlgorithm.Family.SIGNATURE.contains(alg)) {
          algorithms.add(alg);
        }
      }
      if (algorithms.isEmpty()) {
        algorithms.add(JWSAlgorithm.RS256);
      }
      // Unknown kid → the set is fetched again (key rotation). Not rate-limited: ID tokens only
      // ever come from the provider's token endpoint, never from the client.
      JWKSource<SecurityContext> keys =
          JWKSourceBuilder.create(
                  metadata.getJWKSetURI().toURL(),
                  new DefaultResourceRetriever(TIMEOUT_MS, TIMEOUT_MS, 1024 * 1024))
              .rateLimited(false)
              .retrying(true)
              .build();
      IDTokenValidator validator =
          new IDTokenValidator(
              metadata.getIssuer(),
              new ClientID(settings.clientId()),
              new JWSVerificationKeySelector<>(algorithms, keys),
              null);
      validator.setMaxClockSkew((int) CLOCK_SKEW.toSeconds());
      discovered = new Discovered(metadata, validator, clock.instant());
      return true;
    } catch (IOException | GeneralException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "single sign-on provider "
              + settings.name()
              + ": discovery at "
              + settings.issuer()
              + " failed ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + "); its button says it is unavailable until it succeeds");
      return false;
    }
  }

  private Discovered current() {
    Discovered now = discovered;
    if (fresh(now)) {
      return now;
    }
    // One fetch at a time: a request arriving while the start-up fetch runs waits for it.
    synchronized (this) {
      now = discovered;
      if (!fresh(now) && lastAttempt.plus(RETRY_AFTER).isBefore(clock.instant())) {
        refresh();
        now = discovered;
      }
      return now;
    }
  }

  private boolean fresh(Discovered now) {
    return now != null && now.fetchedAt().plus(REFRESH_AFTER).isAfter(clock.instant());
  }

  private Discovered required() {
    Discovered now = current();
    if (now == null) {
      throw new HarmontException(
          ErrorCode.SSO_PROVIDER_UNAVAILABLE,
          settings.name() + " could not be reached. Try again shortly.");
    }
    return now;
  }

  @Override
  public URI authorization(URI redirectUri, String state, String nonce, String codeVerifier) {
    Discovered now = required();
    return new AuthenticationRequest.Builder(
            ResponseType.CODE,
            Scope.parse(settings.scopes()),
            new ClientID(settings.clientId()),
            redirectUri)
        .endpointURI(now.metadata().getAuthorizationEndpointURI())
        .state(new State(state))
        .nonce(new Nonce(nonce))
        .codeChallenge(new CodeVerifier(codeVerifier), CodeChallengeMethod.S256)
        .build()
        .toURI();
  }

  @Override
  public Identity exchange(String code, URI redirectUri, String codeVerifier, String nonce) {
    Discovered now = required();
    TokenRequest request =
        new TokenRequest.Builder(
                now.metadata().getTokenEndpointURI(),
                new ClientSecretBasic(
                    new ClientID(settings.clientId()), new Secret(settings.clientSecret())),
                new AuthorizationCodeGrant(
                    new AuthorizationCode(code),
                    redirectUri,
                    codeVerifier == null ? null : new CodeVerifier(codeVerifier)))
            .build();
    HTTPResponse response;
    try {
      HTTPRequest http = request.toHTTPRequest();
      http.setConnectTimeout(TIMEOUT_MS);
      http.setReadTimeout(TIMEOUT_MS);
      response = http.send();
    } catch (IOException e) {
      throw unavailable(e);
    }
    TokenResponse tokens;
    try {
      tokens = OIDCTokenResponseParser.parse(response);
    } catch (ParseException e) {
      if (response.getStatusCode() >= 500) {
        throw unavailable(e);
      }
      throw invalid("the token response could not be read: " + e.getMessage());
    }
    if (!tokens.indicatesSuccess()) {
      // invalid_grant: a code used twice, expired, or for another redirect URI or verifier.
      throw invalid(
          "the provider refused the code: " + tokens.toErrorResponse().getErrorObject().getCode());
    }
    JWT idToken = ((OIDCTokenResponse) tokens.toSuccessResponse()).getOIDCTokens().getIDToken();
    if (idToken == null) {
      throw invalid("the token response has no ID token");
    }
    IDTokenClaimsSet claims;
    try {
      claims = now.validator().validate(idToken, nonce == null ? null : new Nonce(nonce));
    } catch (KeySourceException e) {
      throw unavailable(e);
    } catch (BadJOSEException | JOSEException e) {
      throw invalid("the ID token was refused: " + e.getMessage());
    }
    Boolean verified = claims.getBooleanClaim("email_verified");
    String name = claims.getStringClaim("name");
    if (name == null) {
      name = claims.getStringClaim("preferred_username");
    }
    return new Identity(
        claims.getIssuer().getValue(),
        claims.getSubject().getValue(),
        claims.getStringClaim("email"),
        Boolean.TRUE.equals(verified),
        name);
  }

  private HarmontException unavailable(Exception e) {
    LOG.log(
        System.Logger.Level.WARNING,
        "single sign-on provider " + settings.name() + " unreachable: " + e.getMessage());
    return new HarmontException(
        ErrorCode.SSO_PROVIDER_UNAVAILABLE,
        settings.name() + " could not be reached. Try again shortly.");
  }

  private HarmontException invalid(String why) {
    LOG.log(
        System.Logger.Level.INFO, "single sign-on with " + settings.name() + " refused: " + why);
    return new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
  }
}
