package dev.harmont.server.account;

/**
 * The stores the account domain works on, as one value: what {@link Accounts#open} needs. The
 * storage layer implements it (one database, one transaction per store method).
 */
public interface AccountStores {
  UserStore users();

  TokenStore tokens();

  EventStore events();

  SignInLinkStore signInLinks();

  CliGrantStore cliGrants();

  IdempotencyStore idempotency();

  PasskeyStore passkeys();

  PasskeyChallengeStore passkeyChallenges();

  SsoStore sso();
}
