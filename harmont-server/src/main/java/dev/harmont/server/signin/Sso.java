package dev.harmont.server.signin;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountStores;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Ids;
import dev.harmont.server.account.Mint;
import dev.harmont.server.account.PasskeyStore;
import dev.harmont.server.account.RequestContext;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.SignInMethod;
import dev.harmont.server.account.SsoIdentity;
import dev.harmont.server.account.SsoStore;
import dev.harmont.server.account.TokenStore;
import dev.harmont.server.account.User;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Single sign-on: "Continue with" an OpenID Connect provider (the organization's own, Google) or
 * GitHub, as a confidential client. A sign-in is three calls:
 *
 * <ol>
 *   <li>{@link #start}: a random {@code state} is stored by its SHA-256 for {@link #STATE_TTL},
 *       bound to the browser's {@code harmont_sso} cookie (stored by its SHA-256 too: login CSRF).
 *       The PKCE verifier and the {@code nonce} are HMACs of the state under the cookie, so they
 *       are never stored nor sent anywhere but to the provider's back channel;
 *   <li>{@link #callback}: the state is spent (once, whatever follows) and must belong to this
 *       browser; the provider checks the code and verifier, the provider class the ID token; then
 *       the identity signs in, is linked by its verified address, or gets a new account. The
 *       console receives a one-time code for {@link #RESULT_TTL}, never the session;
 *   <li>{@link #redeem}: the console trades that code for a session, like a sign-in link.
 * </ol>
 *
 * <p>An identity is {@code (issuer, subject)}: a changed address never moves it. An address the
 * provider does not mark verified is never linked nor given to a new account. Nothing is linked or
 * created by a sign-in that fails any check. Counting failures on the authentication throttle is
 * the HTTP layer's job.
 */
public final class Sso {
  /** How long a started sign-in can come back. */
  public static final Duration STATE_TTL = Duration.ofMinutes(10);

  /** How long the console has to redeem a finished sign-in. */
  public static final Duration RESULT_TTL = Duration.ofMinutes(1);

  /** The path the providers redirect back to, under the public URL. */
  public static final String CALLBACK_PATH = "/api/v0/auth/oidc/callback";

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Map<String, SsoProvider> providers = new LinkedHashMap<>();
  private final SsoStore store;
  private final PasskeyStore passkeys;
  private final TokenStore tokens;
  private final AccountService accounts;
  private final Mint mint;
  private final Supplier<String> publicBase;
  private final boolean signup;

  /** A provider as the sign-in page lists it. */
  public record ProviderInfo(String key, String name, boolean available) {}

  /** Where to send the browser, and the cookie to set again (its lifetime starts anew). */
  public record Started(URI location, String cookie) {}

  /** A finished sign-in: the one-time code for the console, and where the console goes next. */
  public record Finished(String code, String returnTo) {}

  /** Upstream's answer to a sign-in by code: the session and its user. */
  public record SignedIn(CreatedToken session, User user) {}

  /**
   * @param publicBase the server's public base URL, read per sign-in (known once listening)
   */
  public Sso(
      Accounts accounts, AccountStores stores, SsoSettings settings, Supplier<String> publicBase) {
    this.store = stores.sso();
    this.passkeys = stores.passkeys();
    this.tokens = stores.tokens();
    this.accounts = accounts.service();
    this.mint = accounts.mint();
    this.publicBase = publicBase;
    this.signup = settings.signup();
    Clock clock = mint.clock();
    if (settings.oidc() != null) {
      providers.put("oidc", new OidcProvider(settings.oidc(), clock));
    }
    if (settings.google() != null) {
      providers.put("google", new OidcProvider(settings.google(), clock));
    }
    if (settings.github() != null) {
      providers.put("github", new GithubProvider(settings.github()));
    }
  }

  /** Fetches every OpenID Connect provider's discovery document, on a background thread. */
  public void discoverInBackground() {
    for (SsoProvider provider : providers.values()) {
      if (provider instanceof OidcProvider oidc) {
        Thread.ofVirtual().name("harmont-sso-discovery").start(oidc::refresh);
      }
    }
  }

  /** The redirect URI to register at the providers. */
  public URI redirectUri() {
    String base = publicBase.get();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + CALLBACK_PATH);
  }

  /** The configured providers, in the order of the buttons. */
  public List<ProviderInfo> providers() {
    List<ProviderInfo> out = new ArrayList<>();
    for (SsoProvider p : providers.values()) {
      out.add(new ProviderInfo(p.key(), p.name(), p.available()));
    }
    return out;
  }

  private SsoProvider provider(String key) {
    SsoProvider provider = key == null ? null : providers.get(key);
    if (provider == null) {
      throw new HarmontException(ErrorCode.SSO_PROVIDER_NOT_CONFIGURED);
    }
    return provider;
  }

  /**
   * Starts a sign-in with {@code providerKey} ({@code oidc} when null) that ends at {@code
   * returnTo}.
   *
   * @param cookie the browser's {@code harmont_sso} cookie, or null; a new one is made when absent
   *     (one cookie serves sign-ins started in several tabs)
   * @throws HarmontException {@link ErrorCode#SSO_PROVIDER_NOT_CONFIGURED}, {@link
   *     ErrorCode#SSO_RETURN_TO_INVALID}, {@link ErrorCode#SSO_PROVIDER_UNAVAILABLE}
   */
  public Started start(String providerKey, String returnTo, String cookie) {
    SsoProvider provider = provider(providerKey == null ? "oidc" : providerKey);
    String target = returnTo(returnTo);
    if (cookie == null || !Secrets.isPresentable(cookie) || cookie.length() < 43) {
      cookie = base64url(mint.bytes(32));
    }
    String state = base64url(mint.bytes(32));
    URI location =
        provider.authorization(
            redirectUri(), state, derive(cookie, "nonce", state), derive(cookie, "pkce", state));
    Instant now = mint.now();
    store.insertState(
        Secrets.hash(state),
        new SsoStore.State(Secrets.hash(cookie), provider.key(), target, now.plus(STATE_TTL)),
        now);
    return new Started(location, cookie);
  }

  /** A path of this server, or {@code /} when none is given. */
  private static String returnTo(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "/";
    }
    boolean ok =
        raw.length() <= 2048
            && raw.startsWith("/")
            && !raw.startsWith("//")
            && !raw.startsWith("/\\")
            && raw.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\');
    if (!ok) {
      throw new HarmontException(ErrorCode.SSO_RETURN_TO_INVALID);
    }
    return raw;
  }

  /**
   * Finishes a sign-in from the provider's redirect: spends the state, checks it is this browser's,
   * then exchanges the code and signs the identity in (linking or creating its account).
   *
   * @param error the provider's {@code error} parameter (the person cancelled), or null
   * @throws HarmontException {@link ErrorCode#SSO_STATE_INVALID}, {@link
   *     ErrorCode#SSO_ACCESS_DENIED}, {@link ErrorCode#SSO_TOKEN_INVALID}, {@link
   *     ErrorCode#SSO_EMAIL_UNVERIFIED}, {@link ErrorCode#SSO_SIGNUP_DISABLED}, {@link
   *     ErrorCode#SSO_PROVIDER_UNAVAILABLE}
   */
  public Finished callback(
      String code, String state, String error, String cookie, RequestContext context) {
    if (state == null
        || !Secrets.isPresentable(state)
        || cookie == null
        || !Secrets.isPresentable(cookie)) {
      throw new HarmontException(ErrorCode.SSO_STATE_INVALID);
    }
    SsoStore.State started =
        store
            .consumeState(Secrets.hash(state), mint.now())
            .filter(s -> s.browserHash().equals(Secrets.hash(cookie)))
            .orElseThrow(() -> new HarmontException(ErrorCode.SSO_STATE_INVALID));
    if (error != null) {
      throw new HarmontException(ErrorCode.SSO_ACCESS_DENIED);
    }
    if (code == null || code.isEmpty() || code.length() > 4096) {
      throw new HarmontException(ErrorCode.SSO_TOKEN_INVALID);
    }
    SsoProvider provider = provider(started.provider());
    SsoProvider.Identity identity =
        provider.exchange(
            code, redirectUri(), derive(cookie, "pkce", state), derive(cookie, "nonce", state));
    UUID userId = signIn(provider, identity, context);
    String oneTime = base64url(mint.bytes(32));
    Instant now = mint.now();
    store.insertResult(
        Secrets.hash(oneTime),
        new SsoStore.Result(userId, provider.name()),
        now,
        now.plus(RESULT_TTL));
    return new Finished(oneTime, started.returnTo());
  }

  /**
   * Trades the console's one-time code for a session, recorded as {@code session.created} with the
   * method {@code oidc} and the provider.
   *
   * @throws HarmontException {@link ErrorCode#SSO_CODE_INVALID}
   */
  public CreatedToken redeem(String code, RequestContext context) {
    if (code == null || !Secrets.isPresentable(code)) {
      throw new HarmontException(ErrorCode.SSO_CODE_INVALID);
    }
    SsoStore.Result result =
        store
            .consumeResult(Secrets.hash(code), mint.now())
            .orElseThrow(() -> new HarmontException(ErrorCode.SSO_CODE_INVALID));
    try {
      return accounts.startSession(result.userId(), SignInMethod.OIDC, result.provider(), context);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        throw new HarmontException(ErrorCode.SSO_CODE_INVALID);
      }
      throw e;
    }
  }

  /**
   * Upstream's SPA sign-in ({@code POST /api/v0/auth/google}, {@code /github}): the page did the
   * redirect and checked its state; the server trades the code (for {@code redirectUri}) and starts
   * a session at once.
   *
   * @throws HarmontException {@link ErrorCode#OAUTH_PROVIDER_ERROR} when the provider refuses the
   *     code or cannot be reached, and the account errors of {@link #callback}
   */
  public SignedIn signInWithCode(
      String providerKey, String code, String redirectUri, RequestContext context) {
    SsoProvider provider = provider(providerKey);
    if (code == null || code.isEmpty() || code.length() > 4096) {
      throw providerError(provider);
    }
    URI redirect = null;
    if (redirectUri != null) {
      try {
        redirect = new URI(redirectUri);
      } catch (java.net.URISyntaxException e) {
        throw providerError(provider);
      }
    }
    SsoProvider.Identity identity;
    try {
      identity = provider.exchange(code, redirect, null, null);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.SSO_TOKEN_INVALID
          || e.code() == ErrorCode.SSO_PROVIDER_UNAVAILABLE) {
        throw providerError(provider);
      }
      throw e;
    }
    UUID userId = signIn(provider, identity, context);
    CreatedToken session =
        accounts.startSession(userId, SignInMethod.OIDC, provider.name(), context);
    User user =
        accounts.userById(userId).orElseThrow(() -> new HarmontException(ErrorCode.UNAUTHORIZED));
    return new SignedIn(session, user);
  }

  private static HarmontException providerError(SsoProvider provider) {
    return new HarmontException(
        ErrorCode.OAUTH_PROVIDER_ERROR,
        "Could not complete sign-in with "
            + provider.key()
            + ". The authorization code may be invalid or expired. Start the sign-in flow again.");
  }

  /** The account the identity signs into: its own, the one with its verified address, or new. */
  private UUID signIn(SsoProvider provider, SsoProvider.Identity identity, RequestContext context) {
    Instant now = mint.now();
    Optional<SsoIdentity> known = store.findIdentity(identity.issuer(), identity.subject());
    if (known.isPresent()) {
      store.recordUse(
          known.get().id(),
          identity.emailVerified() && identity.email() != null
              ? identity.email()
              : known.get().email(),
          now);
      return known.get().userId();
    }
    if (!identity.emailVerified() || identity.email() == null || identity.email().isBlank()) {
      throw new HarmontException(ErrorCode.SSO_EMAIL_UNVERIFIED);
    }
    User user;
    Optional<User> existing;
    try {
      existing = userByEmail(identity.email());
    } catch (HarmontException e) {
      // Not an address this server accepts (Validation.email): nobody has it, nobody gets it.
      throw new HarmontException(ErrorCode.SSO_EMAIL_UNVERIFIED);
    }
    if (existing.isPresent()) {
      user = existing.get();
    } else if (!signup) {
      throw new HarmontException(ErrorCode.SSO_SIGNUP_DISABLED);
    } else {
      String name = identity.name();
      if (name == null || name.isBlank()) {
        name = identity.email().substring(0, identity.email().indexOf('@'));
      }
      try {
        user = accounts.createSignedInUser(identity.email(), name);
      } catch (HarmontException e) {
        if (e.code() == ErrorCode.EMAIL_TAKEN) {
          user = userByEmail(identity.email()).orElseThrow(() -> e);
        } else if (e.code() == ErrorCode.USER_NAME_INVALID) {
          user =
              accounts.createSignedInUser(
                  identity.email(), identity.email().substring(0, identity.email().indexOf('@')));
        } else {
          throw e;
        }
      }
    }
    SsoIdentity linked =
        new SsoIdentity(
            mint.id(now),
            user.id(),
            provider.name(),
            identity.issuer(),
            identity.subject(),
            identity.email(),
            now,
            now);
    store.link(
        linked,
        mint.event(user.id(), SecurityEventType.IDENTITY_LINKED, now, context, null)
            .withProvider(provider.name()));
    return user.id();
  }

  private Optional<User> userByEmail(String email) {
    try {
      return Optional.of(accounts.userByEmail(email));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.USER_NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The caller's connected accounts. */
  public List<SsoIdentity> listIdentities(Authenticated who) {
    return store.listIdentities(who.user().id());
  }

  /**
   * Disconnects one of the caller's identities, recorded as {@code identity.unlinked}. Refused
   * while it is the account's last way to sign in: another connected account, a passkey or a live
   * personal API key (the console's API-key sign-in) must remain. Sign-in links do not count: they
   * need an operator.
   *
   * @throws HarmontException {@link ErrorCode#SSO_IDENTITY_NOT_FOUND}, {@link
   *     ErrorCode#SSO_IDENTITY_LAST_METHOD}
   */
  public void unlinkIdentity(Authenticated who, String rawId, RequestContext context) {
    UUID userId = who.user().id();
    UUID id = Ids.parseOrNull(rawId);
    List<SsoIdentity> mine = store.listIdentities(userId);
    SsoIdentity target =
        mine.stream()
            .filter(i -> i.id().equals(id))
            .findFirst()
            .orElseThrow(() -> new HarmontException(ErrorCode.SSO_IDENTITY_NOT_FOUND));
    Instant now = mint.now();
    boolean otherWay =
        mine.size() > 1
            || !passkeys.list(userId).isEmpty()
            || tokens.listPersonal(userId).stream().anyMatch(t -> !t.isExpiredAt(now));
    if (!otherWay) {
      throw new HarmontException(ErrorCode.SSO_IDENTITY_LAST_METHOD);
    }
    if (!store.unlink(
        userId,
        target.id(),
        mint.event(userId, SecurityEventType.IDENTITY_UNLINKED, now, context, null)
            .withProvider(target.provider()))) {
      throw new HarmontException(ErrorCode.SSO_IDENTITY_NOT_FOUND);
    }
  }

  /** HMAC-SHA256 of {@code purpose:state} under the browser's cookie, base64url: 43 characters. */
  private static String derive(String cookie, String purpose, String state) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cookie.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return base64url(mac.doFinal((purpose + ":" + state).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64url(byte[] bytes) {
    return BASE64URL.encodeToString(bytes);
  }
}
