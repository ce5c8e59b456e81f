package dev.harmont.server.account;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * The account domain, wired once: the one factory that the server, the operator commands and the
 * tests use, so that no caller assembles services by hand.
 *
 * @param authenticator the hot path: who a bearer secret belongs to
 * @param service profile, keys, sessions and operator actions
 * @param securityLog listing and retention of security events
 * @param signInLinks one-time sign-in links
 * @param cliGrants the CLI's browser sign-in (RFC 8252 + PKCE)
 * @param idempotency the answers kept for retried POSTs ({@code Idempotency-Key})
 * @param mint the domain's clock, randomness, ids and events, for the sign-in ceremonies ({@code
 *     dev.harmont.server.signin}) built over these services
 */
public record Accounts(
    Authenticator authenticator,
    AccountService service,
    SecurityLog securityLog,
    SignInLinks signInLinks,
    CliGrants cliGrants,
    Idempotency idempotency,
    Mint mint) {

  /**
   * @param background runs the {@code last_used_at} writes ({@code Runnable::run} writes them
   *     inline: short-lived processes and tests)
   * @param outcomes told the outcome of every authentication (metrics); {@link
   *     AuthOutcome.Listener#NONE} when nobody listens
   */
  public static Accounts open(
      AccountStores stores,
      AccountSettings settings,
      Clock clock,
      Executor background,
      AuthOutcome.Listener outcomes) {
    SecureRandom random = new SecureRandom();
    Mint mint = new Mint(clock, random);
    Authenticator authenticator =
        new Authenticator(stores.tokens(), settings.authCache(), clock, background, outcomes);
    AccountService service =
        new AccountService(stores.users(), stores.tokens(), authenticator, mint, settings);
    return new Accounts(
        authenticator,
        service,
        new SecurityLog(stores.events(), settings.eventRetention(), clock),
        new SignInLinks(stores.signInLinks(), service, mint),
        new CliGrants(stores.cliGrants(), service, mint, settings),
        new Idempotency(stores.idempotency(), clock, random),
        mint);
  }

  /** For short-lived processes (operator commands): no cache, writes inline, no metrics. */
  public static Accounts open(AccountStores stores, AccountSettings settings, Clock clock) {
    return open(
        stores,
        settings.withAuthCache(AuthCacheSettings.OFF),
        clock,
        Runnable::run,
        AuthOutcome.Listener.NONE);
  }
}
