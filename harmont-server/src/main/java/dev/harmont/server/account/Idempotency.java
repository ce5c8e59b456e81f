package dev.harmont.server.account;

import dev.harmont.server.account.IdempotencyStore.Entry;
import dev.harmont.server.account.IdempotencyStore.SealedAnswer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The rules of {@code Idempotency-Key} (as Stripe's API has them): a POST sent again with the same
 * key and the same request gets the first answer again instead of running twice, for {@link
 * #RETENTION}. The same key with another request is refused ({@link
 * ErrorCode#IDEMPOTENCY_KEY_REUSED}); a retry that arrives while the first attempt still runs is
 * told to wait ({@link ErrorCode#IDEMPOTENCY_KEY_IN_USE}). Knows no HTTP: the edge hands it the
 * credential, the key, the method, path and body, and the answer it sent.
 *
 * <p><b>Scope.</b> A key belongs to the credential presented, not to the user it names: the bearer
 * secret, or for a POST whose body is the credential (a sign-in code) the body. A retry is looked
 * up by that credential before it is authenticated, so a retried logout or a retried rotation of
 * the very key used for the call still gets its first answer after the first attempt ended that
 * credential.
 *
 * <p><b>Nothing secret at rest.</b> An answer may hold a secret shown only once (a created or
 * rotated key, a session). The store gets only the SHA-256 of the credential, of the key and of the
 * request; the answer's body is sealed with AES-256-GCM (random 12-byte nonce stored beside it;
 * status, content type and request id as associated data) under a key derived as HMAC-SHA256(key =
 * the raw credential, "harmont-idempotency-v1" + the raw Idempotency-Key). Only a caller holding
 * both the credential and the key can open it: a copy of the database alone reveals no secret.
 *
 * <p>What is stored: answers 2xx and 4xx, except 401 and 429, which say the request was not run
 * (not authenticated, or throttled) and must be judged again on a retry. A 5xx or a failure
 * releases the key, so that a retry runs again.
 */
public final class Idempotency {
  /** How long a key and its answer are kept. */
  public static final Duration RETENTION = Duration.ofHours(24);

  /** The longest key accepted, in characters. */
  public static final int MAX_KEY_LENGTH = 255;

  /**
   * A pending record older than this is taken to be abandoned (its node stopped, or the database
   * went away before the answer was stored) and the key may run again. Every request here ends in
   * seconds: database waits are bounded by 2 s (connection) and 5 s (socket).
   */
  public static final Duration ABANDONED_AFTER = Duration.ofMinutes(1);

  /** Seconds a client is told to wait when its key is in use. */
  public static final long IN_USE_RETRY_AFTER_SECONDS = 1;

  private static final String LABEL = "harmont-idempotency-v1";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final HexFormat HEX = HexFormat.of();

  private final IdempotencyStore store;
  private final Clock clock;
  private final SecureRandom random;

  public Idempotency(IdempotencyStore store, Clock clock, SecureRandom random) {
    this.store = store;
    this.clock = clock;
    this.random = random;
  }

  /**
   * One request that carries a key: the hashes it is stored under and the key that seals its
   * answer. Holds neither the credential nor the Idempotency-Key in clear.
   */
  public static final class Attempt {
    private final String scopeHash;
    private final String keyHash;
    private final String requestHash;
    private final SecretKey sealingKey;

    private Attempt(String scopeHash, String keyHash, String requestHash, SecretKey sealingKey) {
      this.scopeHash = scopeHash;
      this.keyHash = keyHash;
      this.requestHash = requestHash;
      this.sealingKey = sealingKey;
    }

    @Override
    public String toString() {
      return "Attempt[scope=" + scopeHash.substring(0, 8) + "…]"; // never the sealing key
    }
  }

  /**
   * An answer as the client got it.
   *
   * @param contentType null when it had no body
   * @param requestId the {@code X-Request-Id} of the request that produced it
   */
  public record Answer(int status, String contentType, String requestId, byte[] body) {}

  /**
   * Checks an {@code Idempotency-Key} as sent: 1 to {@link #MAX_KEY_LENGTH} visible ASCII
   * characters (no space, no control character, nothing beyond ASCII).
   *
   * @throws HarmontException {@link ErrorCode#IDEMPOTENCY_KEY_INVALID} otherwise
   */
  public static void checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
      throw new HarmontException(ErrorCode.IDEMPOTENCY_KEY_INVALID);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new HarmontException(ErrorCode.IDEMPOTENCY_KEY_INVALID);
      }
    }
  }

  /** True for the statuses whose answer is stored and replayed. */
  public static boolean isStored(int status) {
    return (status >= 200 && status < 300)
        || (status >= 400 && status < 500 && status != 401 && status != 429);
  }

  /**
   * Describes a request that carries {@code key}.
   *
   * @param credential the raw credential the request presents (bearer secret, or the body of a POST
   *     whose body is the credential); not empty
   * @param path the raw path, with the query if any
   * @throws HarmontException {@link ErrorCode#IDEMPOTENCY_KEY_INVALID} for a malformed key
   */
  public Attempt attempt(byte[] credential, String key, String method, String path, byte[] body) {
    checkKey(key);
    if (credential.length == 0) {
      throw new IllegalArgumentException("an Idempotency-Key needs a credential to belong to");
    }
    MessageDigest request = sha256();
    request.update((method + "\n" + path + "\n").getBytes(StandardCharsets.UTF_8));
    request.update(body);
    return new Attempt(
        HEX.formatHex(sha256().digest(credential)),
        HEX.formatHex(sha256().digest(key.getBytes(StandardCharsets.US_ASCII))),
        HEX.formatHex(request.digest()),
        sealingKey(credential, key));
  }

  /**
   * The stored answer of this attempt's key, if its first request finished.
   *
   * @return empty when the key is free: authenticate, then {@link #reserve}
   * @throws HarmontException {@link ErrorCode#IDEMPOTENCY_KEY_REUSED} when the key was taken by
   *     another request; {@link ErrorCode#IDEMPOTENCY_KEY_IN_USE} while its first request runs
   */
  public Optional<Answer> lookUp(Attempt attempt) {
    return store
        .find(attempt.scopeHash, attempt.keyHash, clock.instant())
        .map(e -> judge(attempt, e));
  }

  /**
   * Takes the key for this attempt, which then runs; or, when another request took it meanwhile,
   * judges as {@link #lookUp} does.
   *
   * @param userId the caller, when known: deleting the account deletes the record
   * @return empty when the key is now this attempt's: run it, then {@link #complete} or {@link
   *     #release}; else the answer to replay
   * @throws HarmontException as {@link #lookUp}
   */
  public Optional<Answer> reserve(Attempt attempt, UUID userId) {
    Instant now = clock.instant();
    return store
        .reserve(
            attempt.scopeHash,
            attempt.keyHash,
            userId,
            attempt.requestHash,
            now,
            now.plus(RETENTION),
            now.minus(ABANDONED_AFTER))
        .map(e -> judge(attempt, e));
  }

  /**
   * Stores the answer of a reserved attempt for replays, or releases the key when the answer is not
   * one to replay ({@link #isStored}).
   */
  public void complete(Attempt attempt, Answer answer) {
    if (!isStored(answer.status())) {
      release(attempt);
      return;
    }
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    byte[] sealed =
        crypt(
            Cipher.ENCRYPT_MODE,
            attempt,
            associatedData(answer.status(), answer.contentType(), answer.requestId()),
            nonce,
            answer.body());
    store.complete(
        attempt.scopeHash,
        attempt.keyHash,
        new SealedAnswer(answer.status(), answer.contentType(), answer.requestId(), nonce, sealed));
  }

  /** Frees a reserved attempt's key: its request failed, and a retry must run again. */
  public void release(Attempt attempt) {
    store.release(attempt.scopeHash, attempt.keyHash);
  }

  /** Deletes the records whose time is up; returns how many. */
  public int deleteExpired() {
    return store.deleteExpired(clock.instant());
  }

  private Answer judge(Attempt attempt, Entry entry) {
    if (!MessageDigest.isEqual(
        entry.requestHash().getBytes(StandardCharsets.US_ASCII),
        attempt.requestHash.getBytes(StandardCharsets.US_ASCII))) {
      throw new HarmontException(ErrorCode.IDEMPOTENCY_KEY_REUSED);
    }
    SealedAnswer sealed = entry.answer();
    if (sealed == null) {
      throw new HarmontException(ErrorCode.IDEMPOTENCY_KEY_IN_USE)
          .withRetryAfter(IN_USE_RETRY_AFTER_SECONDS);
    }
    byte[] body =
        crypt(
            Cipher.DECRYPT_MODE,
            attempt,
            associatedData(sealed.status(), sealed.contentType(), sealed.requestId()),
            sealed.nonce(),
            sealed.sealedBody());
    return new Answer(sealed.status(), sealed.contentType(), sealed.requestId(), body);
  }

  /** AES-256-GCM over a body, with {@code associatedData} authenticated beside it. */
  private static byte[] crypt(
      int mode, Attempt attempt, byte[] associatedData, byte[] nonce, byte[] in) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, attempt.sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(in);
    } catch (GeneralSecurityException e) {
      // Only a record altered in the database gets here: its answer cannot be trusted.
      throw new IllegalStateException("a stored idempotent answer does not open", e);
    }
  }

  /**
   * What is stored in clear beside a sealed body, bound to it: a record whose status, content type
   * or request id was changed in the database does not open.
   */
  private static byte[] associatedData(int status, String contentType, String requestId) {
    return (LABEL + "\n" + status + "\n" + contentType + "\n" + requestId)
        .getBytes(StandardCharsets.UTF_8);
  }

  /**
   * HMAC-SHA256 keyed by the raw credential over the label and the raw key: 32 bytes, an AES-256
   * key that only a holder of both can make again.
   */
  private static SecretKey sealingKey(byte[] credential, String key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(credential, "HmacSHA256"));
      mac.update(LABEL.getBytes(StandardCharsets.US_ASCII));
      return new SecretKeySpec(mac.doFinal(key.getBytes(StandardCharsets.US_ASCII)), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
