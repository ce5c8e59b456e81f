package dev.harmont.server.bench;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.account.RequestContext;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.SqliteSynchronous;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Seeds users and keys for the benchmarks in {@code bench/} through {@link AccountService}, the
 * same validation, hashing and limit checks as the API (no hand-written SQL). Not a test; run by
 * {@code bench/lib.sh} with the jar's class path.
 *
 * <pre>
 * Seed (--data-dir DIR | --database-url URL) --users N [--keys-per-user K] [--prefix P]
 *      [--tokens-out FILE] [--tokens-per-user T]
 * </pre>
 *
 * Writes the first {@code T} (default 1) secrets of each user to {@code FILE}, one per line. SQLite
 * is seeded with {@code synchronous=NORMAL}: seeding is rerun from scratch if the machine dies.
 */
public final class Seed {
  private Seed() {}

  public static void main(String[] args) throws IOException {
    Path dataDir = null;
    String url = null;
    int users = 1;
    int keysPerUser = 1;
    int tokensPerUser = 1;
    String prefix = "bench";
    Path out = null;
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(value);
        case "--database-url" -> url = value;
        case "--users" -> users = Integer.parseInt(value);
        case "--keys-per-user" -> keysPerUser = Integer.parseInt(value);
        case "--tokens-per-user" -> tokensPerUser = Integer.parseInt(value);
        case "--prefix" -> prefix = value;
        case "--tokens-out" -> out = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    DatabaseSettings settings =
        new DatabaseSettings(
            dataDir == null ? Path.of(".") : dataDir, url, null, null, 2, SqliteSynchronous.NORMAL);
    long start = System.nanoTime();
    List<String> printed = new ArrayList<>();
    try (Database db = Database.open(settings)) {
      Accounts opened =
          Accounts.open(
              db,
              new AccountSettings(
                  Math.max(keysPerUser, 1),
                  AccountSettings.DEFAULT_MAX_DESCRIPTION_LENGTH,
                  AccountSettings.DEFAULT_SESSION_TTL,
                  AccountSettings.DEFAULT_EVENT_RETENTION,
                  AuthCacheSettings.OFF),
              Clock.systemUTC());
      AccountService accounts = opened.service();
      for (int u = 0; u < users; u++) {
        CreatedUser created =
            accounts.createUser(prefix + "-" + u + "@bench.example.org", "Bench User " + u);
        if (tokensPerUser > 0) {
          printed.add(created.key().secret());
        }
        Authenticated who = opened.authenticator().authenticate(created.key().secret());
        for (int k = 1; k < keysPerUser; k++) {
          String secret =
              accounts
                  .createApiToken(who, "bench key " + k, null, RequestContext.OPERATOR)
                  .secret();
          if (k < tokensPerUser) {
            printed.add(secret);
          }
        }
        if ((u + 1) % 1000 == 0) {
          System.err.printf(
              "seeded %d users, %d keys, %.1f s%n",
              u + 1, (long) (u + 1) * keysPerUser, (System.nanoTime() - start) / 1e9);
        }
      }
    }
    if (out != null) {
      try (PrintWriter w =
          new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.US_ASCII))) {
        printed.forEach(w::println);
      }
    }
    System.err.printf(
        "seeded %d users × %d keys in %.1f s%n",
        users, keysPerUser, (System.nanoTime() - start) / 1e9);
  }
}
