package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.EmailLink;
import dev.harmont.server.account.EmailLinkStore;
import dev.harmont.server.account.EmailLinkStore.NewAccount;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.SecurityEventType;
import dev.harmont.server.account.SignInMethod;
import dev.harmont.server.account.User;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sign-ups on the real database: the cap holds when several finish at the same moment. */
class EmailLinkStoreTest {
  private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
  private static final int RACERS = 8;

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void signUpsFinishingAtOnceNeverPassTheCap(Backend backend) throws Exception {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      EmailLinkStore links = db.emailLinks();
      long cap = links.countUsers() + 1;
      List<String> hashes = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        String hash = "link-hash-" + i;
        links.issue(
            new EmailLink(
                hash,
                EmailLink.Purpose.SIGN_UP,
                "racer" + i + "@example.org",
                "Racer " + i,
                null,
                T0,
                T0.plus(Duration.ofHours(24)),
                null),
            null,
            T0);
        hashes.add(hash);
      }

      CyclicBarrier start = new CyclicBarrier(RACERS);
      List<Future<Optional<User>>> outcomes = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
        for (int i = 0; i < RACERS; i++) {
          int n = i;
          outcomes.add(
              pool.submit(
                  () -> {
                    start.await();
                    return signUp(links, hashes.get(n), n, cap);
                  }));
        }
      }

      int created = 0;
      int refused = 0;
      for (Future<Optional<User>> outcome : outcomes) {
        try {
          if (outcome.get().isPresent()) {
            created++;
          }
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause())
              .isInstanceOfSatisfying(
                  HarmontException.class,
                  h -> assertThat(h.code()).isEqualTo(ErrorCode.SIGNUP_CAP_REACHED));
          refused++;
        }
      }
      assertThat(created).isEqualTo(1);
      assertThat(refused).isEqualTo(RACERS - 1);
      assertThat(links.countUsers()).isEqualTo(cap);
    }
  }

  private static Optional<User> signUp(EmailLinkStore links, String hash, int n, long cap) {
    UUID userId = UUID.randomUUID();
    Passkey passkey =
        new Passkey(
            UUID.randomUUID(),
            userId,
            "credential-" + n,
            new byte[] {1, 2, 3},
            0,
            new UUID(0, 0),
            "internal",
            true,
            false,
            false,
            "handle-" + n,
            "Passkey " + n,
            T0,
            null);
    SecurityEvent event =
        new SecurityEvent(
            UUID.randomUUID(),
            userId,
            SecurityEventType.SESSION_CREATED,
            T0,
            "127.0.0.1",
            "test",
            "req-" + n,
            null,
            SignInMethod.SIGN_UP,
            passkey.id());
    return links.signUp(
        hash,
        new NewAccount(
            userId, UUID.randomUUID(), "racer" + n + "@example.org", "Racer " + n, "racer" + n, T0),
        passkey,
        event,
        cap);
  }
}
