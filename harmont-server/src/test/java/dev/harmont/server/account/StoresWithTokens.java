package dev.harmont.server.account;

import dev.harmont.server.store.Database;

/** A database's stores with the token store replaced (e.g. by one that counts lookups). */
record StoresWithTokens(Database database, TokenStore tokens) implements AccountStores {
  @Override
  public UserStore users() {
    return database.users();
  }

  @Override
  public EventStore events() {
    return database.events();
  }

  @Override
  public SignInLinkStore signInLinks() {
    return database.signInLinks();
  }

  @Override
  public CliGrantStore cliGrants() {
    return database.cliGrants();
  }

  @Override
  public IdempotencyStore idempotency() {
    return database.idempotency();
  }

  @Override
  public PasskeyStore passkeys() {
    return database.passkeys();
  }

  @Override
  public PasskeyChallengeStore passkeyChallenges() {
    return database.passkeyChallenges();
  }

  @Override
  public SsoStore sso() {
    return database.sso();
  }
}
