package dev.harmont.server.account;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Signing a CLI in through the browser (RFC 8252 native-app flow with RFC 7636 PKCE): a signed-in
 * user grants a one-time code bound to the CLI's S256 challenge; the CLI trades code and verifier
 * for a new personal API key described with its client name. Owns every rule of the flow (shapes,
 * lifetime, single use, no oracle); leaves the wire to the HTTP layer, the throttling of failed
 * exchanges to the edge, and SQL to the store.
 */
public final class CliGrants {
  /**
   * How long a code may be exchanged: long enough to switch windows, short enough to be useless.
   */
  public static final Duration TTL = Duration.ofMinutes(5);

  public static final int MAX_CLIENT_NAME_CODE_POINTS = 100;

  // Expired grants of a user are deleted when they create another, after this grace (kept a little
  // so an operator can still see a recent failed attempt).
  static final Duration FORGET_AFTER = Duration.ofHours(1);

  private static final int MAX_REDIRECT_URI_LENGTH = 2048;
  private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "[::1]", "localhost");

  private final CliGrantStore store;
  private final AccountService accounts;
  private final Mint mint;
  private final AccountSettings settings;

  CliGrants(CliGrantStore store, AccountService accounts, Mint mint, AccountSettings settings) {
    this.store = store;
    this.accounts = accounts;
    this.mint = mint;
    this.settings = settings;
  }

  /**
   * Grants a one-time code to the CLI that holds the verifier of {@code codeChallenge}, on behalf
   * of the caller.
   *
   * @param redirectUri where the browser will carry the code, or null when it is shown to be
   *     pasted; only loopback addresses are accepted (see {@link #isLoopbackRedirect})
   */
  public CreatedCliGrant create(
      Authenticated who,
      String codeChallenge,
      String codeChallengeMethod,
      String rawClientName,
      String redirectUri) {
    String clientName = request(codeChallenge, codeChallengeMethod, rawClientName);
    if (redirectUri != null && !isLoopbackRedirect(redirectUri)) {
      throw new HarmontException(ErrorCode.CLI_GRANT_REDIRECT_URI_INVALID);
    }
    Instant now = mint.now();
    String code = mint.code();
    CliGrant grant =
        new CliGrant(mint.id(now), who.user().id(), codeChallenge, clientName, now, now.plus(TTL));
    store.insert(grant, Secrets.hash(code), now.minus(FORGET_AFTER));
    return new CreatedCliGrant(code, grant.expiresAt());
  }

  /**
   * Records that the caller refused the CLI that holds the verifier of {@code codeChallenge}
   * (Cancel on the console's page), so that a CLI waiting for a pasted code stops at once instead
   * of waiting for a code that will never come ({@link #isDenied}). The request is checked as
   * {@link #create} checks it. Stored as a grant spent when it was made (so it can never be
   * exchanged), under a hash derived from the challenge instead of a code ({@link #denialHash}),
   * and forgotten like any other grant.
   */
  public void deny(
      Authenticated who, String codeChallenge, String codeChallengeMethod, String rawClientName) {
    String clientName = request(codeChallenge, codeChallengeMethod, rawClientName);
    Instant now = mint.now();
    CliGrant grant =
        new CliGrant(mint.id(now), who.user().id(), codeChallenge, clientName, now, now.plus(TTL));
    store.insertDenied(grant, denialHash(codeChallenge), now.minus(FORGET_AFTER));
  }

  /**
   * Whether the person refused, within the last {@link #TTL}, the CLI holding {@code codeVerifier}.
   * Only that CLI can ask: the verifier never left it. The answer says nothing about codes.
   *
   * @throws HarmontException {@link ErrorCode#CLI_GRANT_INVALID} when the verifier is malformed
   */
  public boolean isDenied(String codeVerifier) {
    if (!Pkce.isVerifier(codeVerifier)) {
      throw new HarmontException(ErrorCode.CLI_GRANT_INVALID);
    }
    return store.isDenied(denialHash(Pkce.s256(codeVerifier)), mint.now());
  }

  /**
   * Where the refusal of a challenge is stored: in the place of a code hash, a hash no code has (a
   * code is a random secret; this is the hash of a public text), so that it is found through the
   * same unique index; a grant spent from the start can never be exchanged anyway.
   */
  private static String denialHash(String codeChallenge) {
    return Secrets.hash("cli-grant-denied:" + codeChallenge);
  }

  /**
   * Trades a code and its verifier for a new personal API key, described with the grant's client
   * name. Works once per code, within {@link #TTL}.
   *
   * <p>A code presented again after it was exchanged was leaked (it works once, and only the CLI
   * that asked for it ever had it): the key it gave is revoked, recorded as {@code
   * api_token.revoked} with this request's context (RFC 9700, section 4.5).
   *
   * @throws HarmontException {@link ErrorCode#CLI_GRANT_INVALID} for every failure of the code or
   *     verifier alike (malformed, unknown, expired, used, or not matching), so nothing can be
   *     learned by probing; {@link ErrorCode#API_TOKEN_LIMIT_REACHED} when the user holds the
   *     maximum of live keys (the code then stays usable)
   */
  public CreatedToken exchange(String code, String codeVerifier, RequestContext context) {
    if (!Secrets.isPresentable(code) || !Pkce.isVerifier(codeVerifier)) {
      throw new HarmontException(ErrorCode.CLI_GRANT_INVALID);
    }
    Instant now = mint.now();
    String secret = mint.secret(TokenKind.PERSONAL);
    int max = settings.maxLiveKeysPerUser();
    Optional<ApiToken> key;
    try {
      key =
          store.redeem(
              Secrets.hash(code),
              Pkce.s256(codeVerifier),
              now,
              (userId, clientName) ->
                  mint.token(secret, userId, TokenKind.PERSONAL, clientName, now, null),
              Secrets.hash(secret),
              max,
              created -> mint.createdEvent(created, context));
    } catch (HarmontException e) {
      throw e.code() == ErrorCode.API_TOKEN_LIMIT_REACHED ? Mint.keyLimitReached(max) : e;
    }
    if (key.isEmpty()) {
      store
          .takeIssuedKey(Secrets.hash(code))
          .ifPresent(issued -> accounts.revokeKey(issued.userId(), issued.apiTokenId(), context));
      throw new HarmontException(ErrorCode.CLI_GRANT_INVALID);
    }
    return new CreatedToken(key.get(), secret);
  }

  /**
   * RFC 8252 section 7.3: the CLI listens on a loopback interface, so the code never leaves the
   * machine the browser runs on. Any other target would let a link crafted by someone else send a
   * signed-in user's code to that someone. {@code http} only (nothing else can listen there), an
   * explicit port, no user information or fragment.
   */
  public static boolean isLoopbackRedirect(String text) {
    if (text == null || text.length() > MAX_REDIRECT_URI_LENGTH) {
      return false;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      return false;
    }
    String host = uri.getHost();
    return "http".equals(uri.getScheme())
        && host != null
        && LOOPBACK_HOSTS.contains(host.toLowerCase(Locale.ROOT))
        && uri.getPort() >= 1
        && uri.getPort() <= 65535
        && uri.getRawUserInfo() == null
        && uri.getRawFragment() == null;
  }

  /** Checks what a CLI asks for (its challenge, method and name); returns the name to store. */
  private String request(String codeChallenge, String codeChallengeMethod, String rawClientName) {
    if (!Pkce.isChallenge(codeChallenge)) {
      throw new HarmontException(ErrorCode.CLI_GRANT_CODE_CHALLENGE_INVALID);
    }
    if (!Pkce.S256.equals(codeChallengeMethod)) {
      throw new HarmontException(ErrorCode.CLI_GRANT_CODE_CHALLENGE_METHOD_INVALID);
    }
    return clientName(rawClientName);
  }

  private String clientName(String raw) {
    int max = Math.min(MAX_CLIENT_NAME_CODE_POINTS, settings.maxDescriptionLength());
    String name;
    try {
      name = Validation.description(raw, max).orElse(null);
    } catch (HarmontException e) {
      name = null;
    }
    if (name == null) {
      throw new HarmontException(
          ErrorCode.CLI_GRANT_CLIENT_NAME_INVALID,
          "Field `client_name` must be 1 to " + max + " characters without control characters.");
    }
    return name;
  }
}
