package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.mail.MailQueue;
import dev.harmont.server.mail.OutgoingMail;
import dev.harmont.server.mail.QueuedMail;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The outbox on the real database: transactional, sealed, leased, retried, given up. */
class MailOutboxTest {
  private static final Instant T0 = Instant.parse("2026-12-03T05:00:00Z");
  private static final Duration LEASE = Duration.ofMinutes(5);
  private static final String LINK = "https://harmont.example/sign-up#token=hm_link_SECRET123";

  private static OutgoingMail mail(String to) {
    return new OutgoingMail(
        to, "Finish signing up", "Open " + LINK + " to go on.", "<a href=\"" + LINK + "\">Go</a>");
  }

  private static void enqueue(Database db, OutgoingMail mail, Instant now) {
    MailOutbox outbox = db.mailOutbox();
    db.write(
        c -> {
          outbox.enqueue(c, mail, now);
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aQueuedMessageIsStoredSealedAndDeliveredOnce(Backend backend) throws Exception {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      AtomicInteger wakes = new AtomicInteger();
      db.onMailCommitted(wakes::incrementAndGet);
      enqueue(db, mail("ada@example.org"), T0);
      assertThat(wakes).hasValue(1);

      // Nothing readable at rest: not the link, not the address, not the subject.
      String stored = OutboxForTest.dump(db);
      assertThat(stored).doesNotContain("SECRET123", "ada@example.org", "Finish signing up");

      MailQueue queue = db.mailQueue();
      assertThat(queue.pending()).isEqualTo(1);
      List<QueuedMail> claimed = queue.claim("node-a", T0, LEASE, 10);
      assertThat(claimed).hasSize(1);
      assertThat(claimed.getFirst().mail()).isEqualTo(mail("ada@example.org"));
      assertThat(claimed.getFirst().attempts()).isEqualTo(1);
      // Leased: nobody else gets it meanwhile.
      assertThat(queue.claim("node-b", T0.plusSeconds(1), LEASE, 10)).isEmpty();

      queue.sent(claimed.getFirst().id(), "node-a");
      assertThat(queue.pending()).isZero();
      assertThat(rows(db)).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aRolledBackTransactionQueuesNothing(Backend backend) {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      MailOutbox outbox = db.mailOutbox();
      assertThatThrownBy(
              () ->
                  db.write(
                      c -> {
                        outbox.enqueue(c, mail("ada@example.org"), T0);
                        throw new IllegalStateException("the token's insert failed");
                      }))
          .isInstanceOf(IllegalStateException.class);
      assertThat(db.mailQueue().pending()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void anExpiredLeaseIsTakenOverAndTheOldOwnerChangesNothing(Backend backend) {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      enqueue(db, mail("ada@example.org"), T0);
      MailQueue queue = db.mailQueue();
      QueuedMail first = queue.claim("node-a", T0, LEASE, 10).getFirst();
      List<QueuedMail> again = queue.claim("node-b", T0.plus(LEASE), LEASE, 10);
      assertThat(again).extracting(QueuedMail::id).containsExactly(first.id());
      assertThat(again.getFirst().attempts()).isEqualTo(2);
      queue.sent(first.id(), "node-a"); // too late: node-b owns it now
      assertThat(queue.pending()).isEqualTo(1);
      queue.sent(first.id(), "node-b");
      assertThat(queue.pending()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aRetriedMessageWaitsAndAGivenUpOneKeepsNoBody(Backend backend) throws Exception {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      enqueue(db, mail("ada@example.org"), T0);
      MailQueue queue = db.mailQueue();
      QueuedMail m = queue.claim("node-a", T0, LEASE, 10).getFirst();
      queue.retry(m.id(), "node-a", T0.plusSeconds(5), "connection refused");
      assertThat(queue.claim("node-a", T0.plusSeconds(4), LEASE, 10)).isEmpty();
      m = queue.claim("node-a", T0.plusSeconds(5), LEASE, 10).getFirst();
      assertThat(m.attempts()).isEqualTo(2);
      queue.giveUp(m.id(), "node-a", T0.plusSeconds(6), "550 no such user");
      assertThat(queue.pending()).isZero();
      assertThat(queue.claim("node-a", T0.plus(Duration.ofDays(2)), LEASE, 10)).isEmpty();
      try (Connection c = db.reads().getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT sealed, last_error, failed_at FROM mail_outbox")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBytes("sealed")).isNull();
        assertThat(rs.getString("last_error")).isEqualTo("550 no such user");
        assertThat(rs.getObject("failed_at")).isNotNull();
      }
      assertThat(queue.deleteGivenUpBefore(T0.plusSeconds(6))).isZero();
      assertThat(queue.deleteGivenUpBefore(T0.plusSeconds(7))).isEqualTo(1);
      assertThat(rows(db)).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void messagesOlderThanTheCutoffAreGivenUpWhateverSealedThem(Backend backend) {
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      db.useSealingKeys(SealingKeys.ephemeral());
      enqueue(db, mail("old@example.org"), T0);
      enqueue(db, mail("new@example.org"), T0.plus(Duration.ofHours(23)));
      // Another key now (a restart with an in-memory key): the old rows cannot be opened here.
      db.useSealingKeys(SealingKeys.ephemeral());
      MailQueue queue = db.mailQueue();
      Instant now = T0.plus(Duration.ofHours(24)).plusSeconds(1);
      assertThat(queue.claim("node-a", now, LEASE, 10)).isEmpty();
      assertThat(queue.giveUpOlderThan(now.minus(Duration.ofHours(24)), now, "too old"))
          .isEqualTo(1);
      assertThat(queue.pending()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void anOldKeyStillOpensAfterRotation(Backend backend) {
    byte[] oldKey = new byte[32];
    byte[] newKey = new byte[32];
    newKey[0] = 1;
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      db.useSealingKeys(SealingKeys.of(oldKey));
      enqueue(db, mail("ada@example.org"), T0);
      db.useSealingKeys(SealingKeys.of(newKey, oldKey));
      enqueue(db, mail("bob@example.org"), T0);
      List<OutgoingMail> opened = new ArrayList<>();
      for (QueuedMail m : db.mailQueue().claim("node-a", T0, LEASE, 10)) {
        opened.add(m.mail());
      }
      assertThat(opened)
          .containsExactlyInAnyOrder(mail("ada@example.org"), mail("bob@example.org"));
    }
  }

  private static long rows(Database db) throws Exception {
    try (Connection c = db.reads().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM mail_outbox")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
