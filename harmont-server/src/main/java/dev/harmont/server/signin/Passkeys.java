package dev.harmont.server.signin;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.exception.DataConversionException;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticatorTransport;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import com.webauthn4j.verifier.exception.UserNotVerifiedException;
import com.webauthn4j.verifier.exception.VerificationException;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountStores;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.EventStore;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Ids;
import dev.harmont.server.account.Mint;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.PasskeyChallenge;
import dev.harmont.server.account.PasskeyChallenge.Purpose;
import dev.harmont.server.account.PasskeyChallengeStore;
import dev.harmont.server.account.PasskeyStore;
import dev.harmont.server.account.RequestContext;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.SignInMethod;
import dev.harmont.server.account.User;
import dev.harmont.server.account.Validation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Passkeys: the two WebAuthn ceremonies (sign in with a passkey, add one to the signed-in account)
 * and the rules for listing, renaming and removing them. Each ceremony is two calls:
 *
 * <ol>
 *   <li><b>options</b> mints a 32-byte challenge, stores its SHA-256 with its purpose (and, to add
 *       a passkey, its user) for {@link #CHALLENGE_TTL}, and returns what the browser passes to
 *       {@code navigator.credentials.get/create};
 *   <li><b>finalize</b> spends the challenge first (once, whatever follows), has webauthn4j verify
 *       the browser's response against it (origin, RP ID hash, type, challenge, user presence and
 *       user verification, signature, counter), then stores the passkey or starts a session.
 * </ol>
 *
 * <p>All the protocol work (CBOR, COSE, signatures) is webauthn4j's; this class is the ceremony
 * around it. It knows no HTTP and no SQL: it works on the domain's stores and mints through {@link
 * Mint}, and a session through {@link AccountService#startSession}. Counting failed finalizes
 * against the authentication throttle is the HTTP layer's job. The email-link ceremonies ({@link
 * EmailLinks}: sign-up, recovery, invitations) make and verify their creation challenges through
 * this class's package-private steps, so every passkey is checked the same way.
 */
public final class Passkeys {
  /** How long a ceremony's options can be finalized. */
  public static final Duration CHALLENGE_TTL = Duration.ofMinutes(5);

  static final int CHALLENGE_BYTES = 32;
  static final int USER_HANDLE_BYTES = 16;

  /** The nickname of a passkey added without one, from an authenticator nobody named. */
  public static final String DEFAULT_NICKNAME = "Passkey";

  // ES256, EdDSA, RS256: what platform authenticators and security keys support, in that order.
  private static final List<PublicKeyCredentialParameters> ALGORITHMS =
      List.of(
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256),
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.EdDSA),
          new PublicKeyCredentialParameters(
              PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.RS256));

  /** The COSE algorithm ids offered, as the options list them. */
  public static final List<Long> ALGORITHM_IDS =
      ALGORITHMS.stream().map(p -> p.getAlg().getValue()).toList();

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final PasskeyStore passkeys;
  private final PasskeyChallengeStore challenges;
  private final EventStore events;
  private final AccountService accounts;
  private final Mint mint;
  private final Supplier<RelyingParty> relyingParty;
  private final ObjectConverter converter = new ObjectConverter();
  // Attestation "none" is asked for: the non-strict manager accepts it (and ignores any other
  // statement's trust chain; we never rely on what an attestation would prove).
  private final WebAuthnManager webauthn =
      WebAuthnManager.createNonStrictWebAuthnManager(converter);

  /**
   * @param relyingParty read at each ceremony: the server's port is known only once it listens
   */
  public Passkeys(Accounts accounts, AccountStores stores, Supplier<RelyingParty> relyingParty) {
    this.passkeys = stores.passkeys();
    this.challenges = stores.passkeyChallenges();
    this.events = stores.events();
    this.accounts = accounts.service();
    this.mint = accounts.mint();
    this.relyingParty = relyingParty;
  }

  /** What the browser needs to ask for an assertion, and the id to finalize it with. */
  public record LoginOptions(UUID challengeId, String challenge, String rpId, Duration timeout) {}

  /** What the browser needs to create a passkey, and the id to finalize it with. */
  public record RegistrationOptions(
      UUID challengeId,
      String challenge,
      RelyingParty relyingParty,
      String userHandle,
      String userName,
      String userDisplayName,
      List<String> excludeCredentialIds,
      Duration timeout) {}

  public RelyingParty relyingParty() {
    return relyingParty.get();
  }

  // ---- Signing in ----

  /** Options for a discoverable-credential sign-in: no allow list, user verification required. */
  public LoginOptions loginOptions() {
    Issued issued = newChallenge(Purpose.LOGIN, null, null);
    return new LoginOptions(
        issued.id(), issued.challenge(), relyingParty.get().id(), CHALLENGE_TTL);
  }

  /**
   * Verifies an assertion (the browser's {@code PublicKeyCredential.toJSON()}) and starts a session
   * for the passkey's owner, recorded as {@code session.created} with method {@code passkey}.
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_CHALLENGE_INVALID}, {@link
   *     ErrorCode#PASSKEY_UNKNOWN_CREDENTIAL}, {@link ErrorCode#PASSKEY_USER_VERIFICATION_REQUIRED}
   *     or, for every other failed check, {@link ErrorCode#PASSKEY_ASSERTION_FAILED}
   */
  public CreatedToken login(String rawChallengeId, String assertionJson, RequestContext context) {
    Instant now = mint.now();
    PasskeyChallenge challenge = spend(rawChallengeId, Purpose.LOGIN, null, now);
    AuthenticationData assertion;
    try {
      assertion = webauthn.parseAuthenticationResponseJSON(assertionJson);
    } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
      throw new HarmontException(ErrorCode.PASSKEY_ASSERTION_FAILED);
    }
    if (assertion.getCollectedClientData() == null
        || assertion.getCollectedClientData().getChallenge() == null
        || !sameChallenge(
            challenge, assertion.getCollectedClientData().getChallenge().getValue())) {
      throw new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID);
    }
    if (assertion.getCredentialId() == null) {
      throw new HarmontException(ErrorCode.PASSKEY_ASSERTION_FAILED);
    }
    Passkey passkey =
        passkeys
            .findByCredentialId(BASE64URL.encodeToString(assertion.getCredentialId()))
            .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_UNKNOWN_CREDENTIAL));
    // A discoverable credential returns the user handle it was created with: it must be the one
    // stored with this credential, or the assertion is not about this account.
    byte[] userHandle = assertion.getUserHandle();
    if (userHandle != null
        && !MessageDigest.isEqual(
            BASE64URL.encodeToString(userHandle).getBytes(StandardCharsets.US_ASCII),
            passkey.userHandle().getBytes(StandardCharsets.US_ASCII))) {
      throw new HarmontException(ErrorCode.PASSKEY_ASSERTION_FAILED);
    }
    try {
      webauthn.verify(
          assertion,
          new AuthenticationParameters(
              serverProperty(assertion.getCollectedClientData().getChallenge().getValue()),
              credentialRecord(passkey),
              null,
              true,
              true));
    } catch (UserNotVerifiedException e) {
      throw new HarmontException(ErrorCode.PASSKEY_USER_VERIFICATION_REQUIRED);
    } catch (MaliciousCounterValueException e) {
      // The counter went backwards: two authenticators hold this key (a clone). Refused, and the
      // owner is told in their security log.
      events.insert(
          mint.event(
                  passkey.userId(), SecurityEventType.PASSKEY_COUNTER_REGRESSED, now, context, null)
              .withPasskey(passkey.id()));
      throw new HarmontException(ErrorCode.PASSKEY_ASSERTION_FAILED);
    } catch (VerificationException | DataConversionException | IllegalArgumentException e) {
      throw new HarmontException(ErrorCode.PASSKEY_ASSERTION_FAILED);
    }
    AuthenticatorData<?> data = assertion.getAuthenticatorData();
    if (!passkeys.recordUse(passkey.id(), data.getSignCount(), data.isFlagBS(), now)) {
      // Removed while this assertion was being checked.
      throw new HarmontException(ErrorCode.PASSKEY_UNKNOWN_CREDENTIAL);
    }
    try {
      return accounts.startSession(passkey.userId(), SignInMethod.PASSKEY, context);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        // The account was deleted meanwhile, and its passkeys with it.
        throw new HarmontException(ErrorCode.PASSKEY_UNKNOWN_CREDENTIAL);
      }
      throw e;
    }
  }

  // ---- Adding a passkey ----

  /**
   * Options to create a passkey with a new challenge of {@code purpose} (bound to {@code linkHash}
   * when not null): resident key and user verification required, attestation {@code none}, {@code
   * exclude} listing the credentials the account already has.
   */
  RegistrationOptions creationOptions(
      Purpose purpose,
      UUID userId,
      String userHandle,
      String linkHash,
      String userName,
      String displayName,
      List<String> exclude) {
    Issued issued = newChallenge(purpose, userId, userHandle, linkHash);
    return new RegistrationOptions(
        issued.id(),
        issued.challenge(),
        relyingParty.get(),
        userHandle,
        userName,
        displayName,
        exclude,
        CHALLENGE_TTL);
  }

  /** A new random user handle (base64url), for an account's first passkey. */
  String newUserHandle() {
    return BASE64URL.encodeToString(mint.bytes(USER_HANDLE_BYTES));
  }

  /**
   * Options to create a passkey for the caller: resident key and user verification required,
   * attestation {@code none}, and their passkeys excluded so that an authenticator that already
   * holds one refuses to make another. All of a user's passkeys share one user handle, so an
   * authenticator keeps one entry per account.
   */
  public RegistrationOptions registerOptions(Authenticated who) {
    User user = who.user();
    List<Passkey> existing = passkeys.list(user.id());
    String userHandle = existing.isEmpty() ? newUserHandle() : existing.get(0).userHandle();
    return creationOptions(
        Purpose.REGISTER,
        user.id(),
        userHandle,
        null,
        user.email(),
        user.name(),
        existing.stream().map(Passkey::credentialId).toList());
  }

  /**
   * Verifies an attestation (the browser's {@code PublicKeyCredential.toJSON()} from {@code
   * create}) made with the caller's challenge and stores the new passkey, recorded as {@code
   * passkey.added}.
   *
   * @param rawNickname null for the authenticator's name when known, else {@link #DEFAULT_NICKNAME}
   * @throws HarmontException {@link ErrorCode#PASSKEY_NICKNAME_INVALID} (before the challenge is
   *     spent), {@link ErrorCode#PASSKEY_CHALLENGE_INVALID}, {@link
   *     ErrorCode#PASSKEY_USER_VERIFICATION_REQUIRED}, {@link
   *     ErrorCode#PASSKEY_ALREADY_REGISTERED}, or {@link ErrorCode#PASSKEY_REGISTRATION_FAILED}
   */
  public Passkey register(
      Authenticated who,
      String rawChallengeId,
      String attestationJson,
      String rawNickname,
      RequestContext context) {
    String nickname = rawNickname == null ? null : Validation.passkeyNickname(rawNickname);
    Instant now = mint.now();
    PasskeyChallenge challenge = spend(rawChallengeId, Purpose.REGISTER, who.user().id(), now);
    Passkey passkey = verifyNewPasskey(challenge, attestationJson, who.user().id(), nickname, now);
    if (!passkeys.insert(
        passkey,
        mint.event(who.user().id(), SecurityEventType.PASSKEY_ADDED, now, context, null)
            .withPasskey(passkey.id()))) {
      throw new HarmontException(ErrorCode.PASSKEY_ALREADY_REGISTERED);
    }
    return passkey;
  }

  /**
   * Has webauthn4j verify an attestation made with {@code challenge} (already spent) and returns
   * the passkey it creates for {@code userId}, not yet stored.
   *
   * @param nickname null for the authenticator's name when known, else {@link #DEFAULT_NICKNAME}
   * @throws HarmontException {@link ErrorCode#PASSKEY_CHALLENGE_INVALID}, {@link
   *     ErrorCode#PASSKEY_USER_VERIFICATION_REQUIRED} or {@link
   *     ErrorCode#PASSKEY_REGISTRATION_FAILED}
   */
  Passkey verifyNewPasskey(
      PasskeyChallenge challenge,
      String attestationJson,
      UUID userId,
      String nickname,
      Instant now) {
    RegistrationData registration;
    try {
      registration = webauthn.parseRegistrationResponseJSON(attestationJson);
    } catch (DataConversionException | IllegalArgumentException | NullPointerException e) {
      throw new HarmontException(ErrorCode.PASSKEY_REGISTRATION_FAILED);
    }
    if (registration.getCollectedClientData() == null
        || registration.getCollectedClientData().getChallenge() == null
        || !sameChallenge(
            challenge, registration.getCollectedClientData().getChallenge().getValue())) {
      throw new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID);
    }
    try {
      webauthn.verify(
          registration,
          new RegistrationParameters(
              serverProperty(registration.getCollectedClientData().getChallenge().getValue()),
              ALGORITHMS,
              true,
              true));
    } catch (UserNotVerifiedException e) {
      throw new HarmontException(ErrorCode.PASSKEY_USER_VERIFICATION_REQUIRED);
    } catch (VerificationException | DataConversionException | IllegalArgumentException e) {
      throw new HarmontException(ErrorCode.PASSKEY_REGISTRATION_FAILED);
    }
    AuthenticatorData<RegistrationExtensionAuthenticatorOutput> data =
        registration.getAttestationObject().getAuthenticatorData();
    AttestedCredentialData credential = data.getAttestedCredentialData();
    UUID aaguid = credential.getAaguid().getValue();
    Set<AuthenticatorTransport> transports = registration.getTransports();
    return new Passkey(
        mint.id(now),
        userId,
        BASE64URL.encodeToString(credential.getCredentialId()),
        converter.getCborMapper().writeValueAsBytes(credential.getCOSEKey()),
        data.getSignCount(),
        aaguid,
        transports == null || transports.isEmpty()
            ? null
            : transports.stream()
                .map(AuthenticatorTransport::getValue)
                .sorted()
                .collect(Collectors.joining(",")),
        data.isFlagUV(),
        data.isFlagBE(),
        data.isFlagBS(),
        challenge.userHandle(),
        nickname != null ? nickname : AuthenticatorNames.of(aaguid).orElse(DEFAULT_NICKNAME),
        now,
        null);
  }

  // ---- Managing passkeys ----

  /** The caller's passkeys, oldest first. */
  public List<Passkey> list(Authenticated who) {
    return passkeys.list(who.user().id());
  }

  /**
   * Renames one of the caller's passkeys ({@code passkey.renamed}).
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_NICKNAME_INVALID}, {@link
   *     ErrorCode#PASSKEY_NOT_FOUND} for any id that is not the caller's passkey
   */
  public Passkey rename(
      Authenticated who, String rawId, String rawNickname, RequestContext context) {
    String nickname = Validation.passkeyNickname(rawNickname);
    UUID id = Ids.parseOrNull(rawId);
    if (id == null) {
      throw new HarmontException(ErrorCode.PASSKEY_NOT_FOUND);
    }
    Instant now = mint.now();
    return passkeys
        .rename(
            who.user().id(),
            id,
            nickname,
            mint.event(who.user().id(), SecurityEventType.PASSKEY_RENAMED, now, context, null)
                .withPasskey(id))
        .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_NOT_FOUND));
  }

  /**
   * Removes one of the caller's passkeys ({@code passkey.removed}); it stops signing in at once, on
   * every node (passkeys are never cached). The last one is kept: add the new one first.
   *
   * @throws HarmontException {@link ErrorCode#PASSKEY_NOT_FOUND} (unknown, malformed and other
   *     users' ids alike, so ids cannot be probed), {@link ErrorCode#PASSKEY_LAST_CREDENTIAL}
   */
  public void remove(Authenticated who, String rawId, RequestContext context) {
    UUID id = Ids.parseOrNull(rawId);
    if (id == null) {
      throw new HarmontException(ErrorCode.PASSKEY_NOT_FOUND);
    }
    Instant now = mint.now();
    PasskeyStore.Removal removal =
        passkeys.remove(
            who.user().id(),
            id,
            mint.event(who.user().id(), SecurityEventType.PASSKEY_REMOVED, now, context, null)
                .withPasskey(id));
    switch (removal) {
      case REMOVED -> {}
      case NOT_FOUND -> throw new HarmontException(ErrorCode.PASSKEY_NOT_FOUND);
      case LAST -> throw new HarmontException(ErrorCode.PASSKEY_LAST_CREDENTIAL);
    }
  }

  // ---- Challenges ----

  /** A challenge as handed out (the only copy of its text) and its id. */
  record Issued(UUID id, String challenge) {}

  private Issued newChallenge(Purpose purpose, UUID userId, String userHandle) {
    return newChallenge(purpose, userId, userHandle, null);
  }

  /** A challenge for {@code purpose}, bound to the email link {@code linkHash} when not null. */
  Issued newChallenge(Purpose purpose, UUID userId, String userHandle, String linkHash) {
    Instant now = mint.now();
    String challenge = BASE64URL.encodeToString(mint.bytes(CHALLENGE_BYTES));
    UUID id = mint.id(now);
    challenges.insert(
        new PasskeyChallenge(
            id,
            Secrets.hash(challenge),
            purpose,
            userId,
            userHandle,
            now,
            now.plus(CHALLENGE_TTL),
            linkHash),
        now);
    return new Issued(id, challenge);
  }

  /**
   * Spends the challenge {@code rawId} (it never works again, whatever happens next) and returns it
   * when it was made for {@code purpose}, for {@code userId} (adding a passkey) and has not
   * expired. Unknown, used, expired and mismatched challenges are refused alike.
   */
  PasskeyChallenge spend(String rawId, Purpose purpose, UUID userId, Instant now) {
    UUID id = Ids.parseOrNull(rawId);
    PasskeyChallenge challenge =
        (id == null ? java.util.Optional.<PasskeyChallenge>empty() : challenges.consume(id))
            .orElseThrow(() -> new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID));
    boolean fits =
        challenge.purpose() == purpose
            && challenge.expiresAt().isAfter(now)
            && (userId == null || userId.equals(challenge.userId()));
    if (!fits) {
      throw new HarmontException(ErrorCode.PASSKEY_CHALLENGE_INVALID);
    }
    return challenge;
  }

  /** True when the challenge the client signed is the one stored (compared as hashes). */
  private static boolean sameChallenge(PasskeyChallenge stored, byte[] signed) {
    return MessageDigest.isEqual(
        Secrets.hash(BASE64URL.encodeToString(signed)).getBytes(StandardCharsets.US_ASCII),
        stored.challengeHash().getBytes(StandardCharsets.US_ASCII));
  }

  private ServerProperty serverProperty(byte[] challenge) {
    RelyingParty rp = relyingParty.get();
    return ServerProperty.builder()
        .origin(new Origin(rp.origin()))
        .rpId(rp.id())
        .challenge(new DefaultChallenge(challenge))
        .build();
  }

  /** What webauthn4j needs to check an assertion of {@code passkey}: public material only. */
  private CredentialRecordImpl credentialRecord(Passkey passkey) {
    COSEKey key = converter.getCborMapper().readValue(passkey.publicKey(), COSEKey.class);
    return new CredentialRecordImpl(
        new NoneAttestationStatement(),
        passkey.uvInitialized(),
        passkey.backupEligible(),
        passkey.backedUp(),
        passkey.signCount(),
        new AttestedCredentialData(
            new AAGUID(passkey.aaguid()),
            Base64.getUrlDecoder().decode(passkey.credentialId()),
            key),
        null,
        null,
        null,
        null);
  }
}
