package dev.harmont.server.signin;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountStores;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.EmailLink;
import dev.harmont.server.account.EmailLinkStore;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Mint;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.PasskeyChallenge;
import dev.harmont.server.account.PasskeyChallenge.Purpose;
import dev.harmont.server.account.PasskeyStore;
import dev.harmont.server.account.RequestContext;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.SignInMethod;
import dev.harmont.server.account.User;
import dev.harmont.server.account.UserStore;
import dev.harmont.server.account.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Sign-up, recovery and invitations by email: upstream's {@code passkey_signup_controller} and
 * {@code passkey_recover_controller} as one ceremony over the domain's stores.
 *
 * <ol>
 *   <li><b>begin</b> checks the operator's {@link SignUpPolicy} (sign-up only), counts the request
 *       against the hourly limit per client address and per target email ({@link
 *       #REQUESTS_PER_HOUR}, counted whether or not a message goes out), then stores a link (its
 *       SHA-256 only) and queues its message in one transaction. Known and unknown addresses get
 *       the same answer: an address that has an account gets "someone tried to sign up" on sign-up,
 *       and nothing at all is sent for an unknown address on recovery.
 *   <li><b>options</b> checks the link without spending it and hands out passkey creation options
 *       whose challenge is bound to the link.
 *   <li><b>finalize</b> spends the challenge, has webauthn4j verify the attestation ({@link
 *       Passkeys}), then spends the link and creates the account and its passkey (sign-up) or adds
 *       the passkey (recovery, invitation) in one transaction, and starts a session.
 * </ol>
 *
 * <p>A link's token travels in the URL fragment ({@code PUBLIC_URL/sign-up#token=…}, {@code
 * PUBLIC_URL/recover#token=…}) so it never reaches a server log or a {@code Referer}. Unknown, used
 * and expired links are refused alike ({@link ErrorCode#PASSKEY_TOKEN_INVALID}). Delivering the
 * message is the outbox's job; this class knows no HTTP, SQL or SMTP.
 */
public final class EmailLinks {
  /** How long a sign-up verification link works (upstream's 24 hours). */
  public static final Duration SIGN_UP_TTL = Duration.ofHours(24);

  /** How long a recovery link works (upstream's 30 minutes). */
  public static final Duration RECOVERY_TTL = Duration.ofMinutes(30);

  /**
   * How long an invitation works: three days, so that a colleague invited on a Friday can still
   * accept on Monday; it only ever adds a passkey to the account the operator made.
   */
  public static final Duration INVITE_TTL = Duration.ofHours(72);

  /** Requests to the begin endpoints per client address and per target email, per window. */
  public static final int REQUESTS_PER_HOUR = 5;

  static final Duration REQUEST_WINDOW = Duration.ofHours(1);
  private static final int TOKEN_BYTES = 32;
  private static final int MAX_TOKEN_LENGTH = 128;
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final Set<EmailLink.Purpose> RECOVERIES =
      Set.of(EmailLink.Purpose.RECOVERY, EmailLink.Purpose.INVITE);

  private final EmailLinkStore links;
  private final UserStore users;
  private final PasskeyStore passkeyStore;
  private final AccountService accounts;
  private final Mint mint;
  private final Passkeys passkeys;
  private final SignUpPolicy policy;
  private final Supplier<String> publicUrl;

  /**
   * @param publicUrl the server's public address, read when a link is made (the port is known only
   *     once the server listens)
   */
  public EmailLinks(
      Accounts accounts,
      AccountStores stores,
      EmailLinkStore links,
      Passkeys passkeys,
      SignUpPolicy policy,
      Supplier<String> publicUrl) {
    this.links = links;
    this.users = stores.users();
    this.passkeyStore = stores.passkeys();
    this.accounts = accounts.service();
    this.mint = accounts.mint();
    this.passkeys = passkeys;
    this.policy = policy;
    this.publicUrl = publicUrl;
  }

  /** A session started from an email link, and whose it is. */
  public record SignedIn(CreatedToken session, User user) {}

  /** A link made for an invitation; the token is the only copy. */
  public record Invitation(User user, String link, Instant expiresAt) {}

  /** Who may sign up alone on this server. */
  public SignUpPolicy policy() {
    return policy;
  }

  // ---- Sign-up ----

  /**
   * Starts a sign-up: emails a verification link to a new address, or "someone tried to sign up" to
   * an address that has an account; the caller cannot tell which.
   *
   * @param client the requesting client's address, for the hourly limit
   * @throws HarmontException {@link ErrorCode#EMAIL_INVALID}, {@link ErrorCode#USER_NAME_INVALID},
   *     {@link ErrorCode#SIGNUP_CLOSED}, {@link ErrorCode#SIGNUP_CAP_REACHED}, {@link
   *     ErrorCode#RATE_LIMITED}
   */
  public void signUpBegin(String rawEmail, String rawName, String client) {
    String email = Validation.email(rawEmail);
    String name = Validation.displayName(rawName);
    if (!policy.allows(email)) {
      // Says what the policy is, never whether the address has an account.
      throw new HarmontException(
          ErrorCode.SIGNUP_CLOSED,
          policy.open()
              ? "Sign-up on this server is open to addresses in "
                  + String.join(", ", policy.domains())
                  + " only."
              : ErrorCode.SIGNUP_CLOSED.message());
    }
    if (policy.cap() > 0 && links.countUsers() >= policy.cap()) {
      throw new HarmontException(ErrorCode.SIGNUP_CAP_REACHED);
    }
    admit(client, email);
    Instant now = mint.now();
    String server = server();
    if (users.findByEmail(email).isPresent()) {
      links.issue(null, Messages.signUpExisting(email, server), now);
      return;
    }
    String token = newToken();
    links.issue(
        new EmailLink(
            Secrets.hash(token),
            EmailLink.Purpose.SIGN_UP,
            email,
            name,
            null,
            now,
            now.plus(SIGN_UP_TTL),
            null),
        Messages.signUp(email, name, server + "/sign-up#token=" + token, server, "24 hours"),
        now);
  }

  /**
   * Creation options for the first passkey of the account a sign-up link will create; the link is
   * checked, not spent.
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_TOKEN_INVALID}
   */
  public Passkeys.RegistrationOptions signUpOptions(String token) {
    EmailLink link = live(token, Set.of(EmailLink.Purpose.SIGN_UP));
    return passkeys.creationOptions(
        Purpose.SIGN_UP,
        null,
        passkeys.newUserHandle(),
        link.linkHash(),
        link.email(),
        link.name(),
        List.of());
  }

  /**
   * Finishes a sign-up: the account, its personal organization and its first passkey are created
   * and the link spent in one transaction; then a session starts ({@code session.created}, method
   * {@code sign_up}).
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_TOKEN_INVALID}, {@link
   *     ErrorCode#PASSKEY_CHALLENGE_INVALID}, the attestation's refusals, {@link
   *     ErrorCode#PASSKEY_SIGNUP_EMAIL_TAKEN}, {@link ErrorCode#SIGNUP_CAP_REACHED}
   */
  public SignedIn signUpFinalize(
      String rawChallengeId, String token, String attestationJson, RequestContext context) {
    Instant now = mint.now();
    PasskeyChallenge challenge = passkeys.spend(rawChallengeId, Purpose.SIGN_UP, null, now);
    EmailLink link = live(token, Set.of(EmailLink.Purpose.SIGN_UP));
    boundTo(challenge, link);
    UUID userId = mint.id(now);
    Passkey passkey = passkeys.verifyNewPasskey(challenge, attestationJson, userId, null, now);
    User user =
        links
            .signUp(
                link.linkHash(),
                new EmailLinkStore.NewAccount(
                    userId,
                    mint.id(now),
                    link.email(),
                    link.name(),
                    Validation.slugBase(link.email()),
                    now),
                passkey,
                added(passkey, now, context),
                policy.cap())
            .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_TOKEN_INVALID));
    return new SignedIn(accounts.startSession(user.id(), SignInMethod.SIGN_UP, context), user);
  }

  // ---- Recovery and invitations ----

  /**
   * Starts a recovery: an address that has an account gets a link to add a passkey; an unknown
   * address gets nothing, and the caller cannot tell which.
   *
   * @throws HarmontException {@link ErrorCode#EMAIL_INVALID}, {@link ErrorCode#RATE_LIMITED}
   */
  public void recoverBegin(String rawEmail, String client) {
    String email = Validation.email(rawEmail);
    admit(client, email);
    Optional<User> user = users.findByEmail(email);
    Instant now = mint.now();
    if (user.isEmpty()) {
      // A write transaction all the same, so that an unknown address is not answered noticeably
      // sooner than a known one (the status and body are the same already).
      links.issue(null, null, now);
      return;
    }
    String token = newToken();
    String server = server();
    links.issue(
        recoveryLink(token, EmailLink.Purpose.RECOVERY, user.get(), now, RECOVERY_TTL),
        Messages.recovery(
            email, user.get().name(), server + "/recover#token=" + token, server, "30 minutes"),
        now);
  }

  /**
   * Invites a person: creates their account when there is none (without any key or passkey) and
   * makes an invitation link for it, which adds their first passkey through the recovery flow. The
   * welcome message is queued with the link, unless {@code send} is false: then the caller hands
   * the link over itself.
   *
   * @param rawName the new account's name; null for the address's local part. Ignored when the
   *     account exists.
   * @throws HarmontException {@link ErrorCode#EMAIL_INVALID}, {@link ErrorCode#USER_NAME_INVALID}
   */
  public Invitation invite(String rawEmail, String rawName, boolean send) {
    String email = Validation.email(rawEmail);
    String name =
        Validation.displayName(rawName != null ? rawName : email.substring(0, email.indexOf('@')));
    Instant now = mint.now();
    User user =
        users
            .findByEmail(email)
            .orElseGet(
                () ->
                    users.create(
                        mint.id(now), mint.id(now), email, name, Validation.slugBase(email), now));
    String token = newToken();
    String server = server();
    String url = server + "/recover#token=" + token;
    EmailLink link = recoveryLink(token, EmailLink.Purpose.INVITE, user, now, INVITE_TTL);
    links.issue(
        link, send ? Messages.invite(email, user.name(), url, server, "3 days") : null, now);
    return new Invitation(user, url, link.expiresAt());
  }

  /**
   * Creation options for a new passkey of the account a recovery or invitation link is for; the
   * link is checked, not spent. The account's passkeys are excluded, and a new one shares their
   * user handle.
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_TOKEN_INVALID}
   */
  public Passkeys.RegistrationOptions recoverOptions(String token) {
    EmailLink link = live(token, RECOVERIES);
    User user = owner(link);
    List<Passkey> existing = passkeyStore.list(user.id());
    return passkeys.creationOptions(
        Purpose.RECOVERY,
        user.id(),
        existing.isEmpty() ? passkeys.newUserHandle() : existing.get(0).userHandle(),
        link.linkHash(),
        user.email(),
        user.name(),
        existing.stream().map(Passkey::credentialId).toList());
  }

  /**
   * Finishes a recovery or an invitation: the link is spent and the new passkey stored in one
   * transaction ({@code passkey.added}); then a session starts ({@code session.created}, method
   * {@code recovery}).
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_TOKEN_INVALID}, {@link
   *     ErrorCode#PASSKEY_CHALLENGE_INVALID}, the attestation's refusals, {@link
   *     ErrorCode#PASSKEY_ALREADY_REGISTERED}
   */
  public SignedIn recoverFinalize(
      String token, String rawChallengeId, String attestationJson, RequestContext context) {
    Instant now = mint.now();
    PasskeyChallenge challenge = passkeys.spend(rawChallengeId, Purpose.RECOVERY, null, now);
    EmailLink link = live(token, RECOVERIES);
    boundTo(challenge, link);
    User user = owner(link);
    if (!user.id().equals(challenge.userId())) {
      throw new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID);
    }
    Passkey passkey = passkeys.verifyNewPasskey(challenge, attestationJson, user.id(), null, now);
    if (!links.recover(link.linkHash(), passkey, added(passkey, now, context), now)) {
      throw new HarmontException(ErrorCode.PASSKEY_TOKEN_INVALID);
    }
    return new SignedIn(accounts.startSession(user.id(), SignInMethod.RECOVERY, context), user);
  }

  // ---- Links ----

  private static EmailLink recoveryLink(
      String token, EmailLink.Purpose purpose, User user, Instant now, Duration ttl) {
    return new EmailLink(
        Secrets.hash(token),
        purpose,
        user.email(),
        user.name(),
        user.id(),
        now,
        now.plus(ttl),
        null);
  }

  private String newToken() {
    return BASE64URL.encodeToString(mint.bytes(TOKEN_BYTES));
  }

  /** The server's public address without a trailing slash. */
  private String server() {
    String url = publicUrl.get();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** The live link {@code token} names, made for one of {@code purposes}. */
  private EmailLink live(String token, Set<EmailLink.Purpose> purposes) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
      throw new HarmontException(ErrorCode.PASSKEY_TOKEN_INVALID);
    }
    return links
        .find(Secrets.hash(token))
        .filter(link -> purposes.contains(link.purpose()) && link.isLiveAt(mint.now()))
        .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_TOKEN_INVALID));
  }

  /** The account a recovery link is for; a deleted account's link is invalid. */
  private User owner(EmailLink link) {
    return users
        .findByEmail(link.email())
        .filter(user -> user.id().equals(link.userId()))
        .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_TOKEN_INVALID));
  }

  /** The challenge must have been made from this very link (compared as hashes). */
  private static void boundTo(PasskeyChallenge challenge, EmailLink link) {
    if (challenge.linkHash() == null
        || !MessageDigest.isEqual(
            challenge.linkHash().getBytes(StandardCharsets.US_ASCII),
            link.linkHash().getBytes(StandardCharsets.US_ASCII))) {
      throw new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID);
    }
  }

  private SecurityEvent added(Passkey passkey, Instant now, RequestContext context) {
    return mint.event(passkey.userId(), SecurityEventType.PASSKEY_ADDED, now, context, null)
        .withPasskey(passkey.id());
  }

  /** Counts a begin request; past the limit for its client or its email, 429. */
  private void admit(String client, String email) {
    Instant now = mint.now();
    List<String> keys = List.of(Secrets.hash("client:" + client), Secrets.hash("email:" + email));
    if (!links.admit(keys, REQUESTS_PER_HOUR, now.minus(REQUEST_WINDOW), now)) {
      // The same answer for known and unknown addresses.
      throw new HarmontException(
              ErrorCode.RATE_LIMITED,
              "Too many email requests for this address or from your network: at most "
                  + REQUESTS_PER_HOUR
                  + " an hour. Retry after the time in the `Retry-After` header.")
          .withRetryAfter(REQUEST_WINDOW.toSeconds());
    }
  }
}
