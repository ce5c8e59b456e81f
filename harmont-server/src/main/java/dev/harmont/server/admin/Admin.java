package dev.harmont.server.admin;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.CreatedServiceCredential;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.account.ServiceCredential;
import dev.harmont.server.account.ServiceCredentials;
import dev.harmont.server.account.SignInLinks;
import dev.harmont.server.signin.EmailLinks;
import dev.harmont.server.signin.Passkeys;
import dev.harmont.server.signin.RelyingParty;
import dev.harmont.server.signin.SignUpPolicy;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.SealingKeys;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Operator actions run straight against the database, without HTTP: creating users (there is no
 * sign-up endpoint), minting keys and sign-in links, managing service credentials. Safe while a
 * server runs on the same data: SQLite serializes the writes, PostgreSQL is shared anyway. The
 * domain's rules and bounds hold here as for every other caller.
 */
public final class Admin implements AutoCloseable {
  private final Database database;
  private final AccountService accounts;
  private final SignInLinks links;
  private final Accounts opened;
  private final ServiceCredentials services;

  private Admin(Database database, Clock clock, AccountSettings settings) {
    this.database = database;
    // A short-lived process: nothing to cache, and writes happen before it exits.
    Accounts opened = Accounts.open(database, settings, clock);
    this.accounts = opened.service();
    this.links = opened.signInLinks();
    this.opened = opened;
    this.services =
        new ServiceCredentials(database.serviceCredentials(), opened.authenticator(), clock);
  }

  /** Opens (and migrates) the database; the domain's default settings apply. */
  public static Admin open(DatabaseSettings settings) {
    return open(settings, AccountSettings.DEFAULTS);
  }

  /** Opens (and migrates) the database; keys obey {@code settings}' limits. */
  public static Admin open(DatabaseSettings database, AccountSettings settings) {
    return new Admin(Database.open(database), Clock.systemUTC(), settings);
  }

  /**
   * Seals mail this command queues with the keys in {@code secretKeyFile} ({@code
   * --secret-key-file}), those the servers use; without it, SQLite's key file beside the database.
   *
   * @throws IllegalArgumentException when the file cannot be read or holds no key
   */
  public Admin useSecretKeyFile(Path secretKeyFile) {
    database.useSealingKeys(SealingKeys.load(secretKeyFile));
    return this;
  }

  /** A user with a personal organization and a first personal API key. */
  public CreatedUser createUser(String email, String name) {
    return accounts.createUser(email, name);
  }

  /** Another personal API key for an existing user. */
  public CreatedToken issueKey(String email, String description, Instant expiresAt) {
    return accounts.issueApiToken(email, description, expiresAt);
  }

  /**
   * A session token for an existing user (what a sign-in would give), within the domain's bounds
   * ({@link AccountSettings#MIN_SESSION_TTL}..{@link AccountSettings#MAX_SESSION_TTL}).
   */
  public CreatedToken issueSession(String email, Duration ttl) {
    return accounts.issueSessionToken(email, ttl);
  }

  /**
   * A one-time sign-in link code for an existing user (single use, {@link SignInLinks#LINK_TTL}).
   */
  public SignInLinks.Issued issueSignInLink(String email) {
    return links.issue(email);
  }

  /**
   * Invites a person: creates their account when there is none and makes a one-time link (72 hours)
   * that adds their first passkey; the welcome message is queued in the outbox for the server to
   * send, unless {@code send} is false (then only the link is returned, to hand over).
   *
   * @param publicUrl the server's public URL, which the link points at
   */
  public EmailLinks.Invitation invite(String email, String name, boolean send, String publicUrl) {
    // Only the link is made here; the passkey ceremony runs on the server, at its origin.
    Passkeys passkeys =
        new Passkeys(opened, database, () -> RelyingParty.of(publicUrl, ServerConfig.DEFAULT_PORT));
    return new EmailLinks(
            opened, database, database.emailLinks(), passkeys, SignUpPolicy.CLOSED, () -> publicUrl)
        .invite(email, name, send);
  }

  /**
   * A new service credential for token introspection; its {@code hms_…} secret is returned here
   * only.
   */
  public CreatedServiceCredential createService(String name) {
    return services.create(name);
  }

  /** Every service credential, revoked ones included, oldest first. */
  public List<ServiceCredential> listServices() {
    return services.list();
  }

  /** Revokes a service credential by name: every node refuses it from now on. */
  public void revokeService(String name) {
    services.revoke(name);
  }

  @Override
  public void close() {
    database.close();
  }
}
