package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Service credentials and what they are for: token introspection (RFC 7662). An operator creates
 * one per service ({@code harmont admin create-service --name runner-api}); the service presents
 * its {@code hms_…} secret to ask who a bearer token belongs to, and can do nothing else (the
 * secret is not a bearer token: every other endpoint refuses it).
 *
 * <p>A credential is checked against the database on every introspection (one indexed lookup), so
 * revoking it takes effect at once on every node. The token being introspected goes through {@link
 * Authenticator}, the same path, cache and revocation guarantees as every API request.
 */
public final class ServiceCredentials {
  /** How often {@code last_used_at} is written at most, per credential. */
  static final Duration LAST_USED_INTERVAL = Authenticator.LAST_USED_INTERVAL;

  /** Lowercase letters, digits, dot, dash, underscore; starts with a letter or digit; ≤ 64. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

  private final ServiceCredentialStore store;
  private final Authenticator authenticator;
  private final Clock clock;
  private final Secrets secrets;
  private final Ids ids;

  public ServiceCredentials(
      ServiceCredentialStore store, Authenticator authenticator, Clock clock) {
    SecureRandom random = new SecureRandom();
    this.store = store;
    this.authenticator = authenticator;
    this.clock = clock;
    this.secrets = new Secrets(random);
    this.ids = new Ids(random);
  }

  /**
   * A new credential named {@code name}; its secret is returned here only.
   *
   * @throws HarmontException {@link ErrorCode#SERVICE_NAME_INVALID}, {@link
   *     ErrorCode#SERVICE_NAME_TAKEN}
   */
  public CreatedServiceCredential create(String name) {
    String checked = name(name);
    Instant now = now();
    String secret = secrets.mintService();
    ServiceCredential credential =
        new ServiceCredential(
            ids.next(now),
            checked,
            secret.substring(secret.length() - Secrets.HINT_CHARS),
            now,
            null,
            null);
    store.insert(credential, Secrets.hash(secret));
    return new CreatedServiceCredential(credential, secret);
  }

  /** Every credential, revoked ones included, oldest first. */
  public List<ServiceCredential> list() {
    return store.list();
  }

  /**
   * Revokes the credential named {@code name}: from now on, every node refuses it.
   *
   * @throws HarmontException {@link ErrorCode#SERVICE_NOT_FOUND} when no credential has that name
   *     or it is already revoked
   */
  public void revoke(String name) {
    String checked = name == null ? "" : name.strip();
    if (!store.revoke(checked, now())) {
      throw new HarmontException(
          ErrorCode.SERVICE_NOT_FOUND,
          store.exists(checked)
              ? "The service credential `" + checked + "` is already revoked."
              : "No service credential is named `" + checked + "`.");
    }
  }

  /**
   * The credential a presented secret belongs to.
   *
   * @throws HarmontException {@link ErrorCode#UNAUTHORIZED} when it is malformed (not {@code hms_}
   *     with a matching checksum: refused without a lookup), unknown or revoked
   */
  public ServiceCredential authenticate(String secret) {
    if (!Secrets.isServiceSecret(secret)) {
      throw unauthorized();
    }
    ServiceCredential credential =
        store.findActiveByHash(Secrets.hash(secret)).orElseThrow(ServiceCredentials::unauthorized);
    Instant now = now();
    if (credential.lastUsedAt() == null
        || !credential.lastUsedAt().plus(LAST_USED_INTERVAL).isAfter(now)) {
      store.markUsed(credential.id(), now);
    }
    return credential;
  }

  /**
   * Who {@code token} belongs to, if it authenticates now: empty for anything else (unknown,
   * revoked, expired, malformed, missing), so the answer is no oracle.
   */
  public Optional<Authenticated> introspect(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(authenticator.authenticate(token));
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.UNAUTHORIZED) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static HarmontException unauthorized() {
    return new HarmontException(
        ErrorCode.UNAUTHORIZED,
        "Introspection needs a valid service credential: `Authorization: Bearer hms_…` or HTTP"
            + " Basic with the secret as password. Create one with `harmont admin create-service`.");
  }

  private static String name(String raw) {
    String name = raw == null ? "" : raw.strip();
    if (!NAME.matcher(name).matches()) {
      throw new HarmontException(ErrorCode.SERVICE_NAME_INVALID);
    }
    return name;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }
}
