package dev.harmont.server.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.OutboxForTest;
import dev.harmont.server.store.SealingKeys;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outbox's sender on the real database and a real SMTP server (GreenMail): retries while SMTP
 * is down, gives up after 24 h (a fixed clock), two nodes deliver each message once, a commit wakes
 * it, and neither the log nor the database ever holds a link.
 */
class MailSenderTest {
  private static final Instant T0 = Instant.parse("2026-12-03T05:00:00Z");
  private static final String SECRET = "hm_link_9f8e7d6c5b4a";

  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          log.add(
              record.getMessage()
                  + (record.getThrown() == null ? "" : " " + record.getThrown().toString()));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private GreenMail greenMail;

  @BeforeEach
  void captureLog() {
    Logger.getLogger("dev.harmont").addHandler(capture);
  }

  @AfterEach
  void stop() {
    Logger.getLogger("dev.harmont").removeHandler(capture);
    if (greenMail != null) {
      greenMail.stop();
    }
  }

  private static OutgoingMail mail(int n) {
    String link = "https://harmont.example/recover#token=" + SECRET + n;
    return new OutgoingMail(
        "person" + n + "@example.org",
        "Message " + n,
        "Open " + link + " within 30 minutes.",
        "<a href=\"" + link + "\">Sign in</a>");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void startSmtp(int port) {
    greenMail =
        new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    greenMail.start();
  }

  private static SmtpTransport smtp(int port, Clock clock) {
    return SmtpTransport.of(
        new MailSettings(SmtpUrl.parse("smtp://localhost:" + port), null, null, null, null),
        "Harmont <no-reply@example.org>",
        clock);
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void whileSmtpIsDownTheMessageWaitsAndGoesOutOnceItIsBack(Backend backend) throws Exception {
    int port = freePort();
    MutableClock clock = new MutableClock(T0);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      MailSender sender = new MailSender(db.mailQueue(), smtp(port, clock), clock, meters);
      OutboxForTest.enqueue(db, mail(1), T0);

      assertThat(sender.deliverDue()).isEqualTo(1); // refused: nobody listens
      assertThat(db.mailQueue().pending()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(4));
      assertThat(sender.deliverDue()).as("not before its backoff").isZero();

      startSmtp(port);
      clock.advance(Duration.ofSeconds(1));
      assertThat(sender.deliverDue()).isEqualTo(1);

      MimeMessage[] received = greenMail.getReceivedMessages();
      assertThat(received).hasSize(1);
      assertThat(received[0].getSubject()).isEqualTo("Message 1");
      assertThat(db.mailQueue().pending()).isZero();
      String scrape = meters.scrape();
      assertThat(scrape)
          .contains("harmont_mail_sent_total 1.0")
          .contains("harmont_mail_retries_total 1.0")
          .contains("harmont_mail_failed_total 0.0")
          .contains("harmont_mail_outbox_pending 0.0");
      assertThat(String.join("\n", log)).doesNotContain(SECRET).contains("retrying in 5 s");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aMessageStillUndeliveredAfter24HoursIsGivenUpAndCounted(Backend backend) throws Exception {
    int port = freePort();
    MutableClock clock = new MutableClock(T0);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      MailSender sender = new MailSender(db.mailQueue(), smtp(port, clock), clock, meters);
      OutboxForTest.enqueue(db, mail(1), T0);

      List<Duration> delays = new ArrayList<>();
      Instant last = clock.instant();
      Instant gaveUpAt = null;
      while (gaveUpAt == null) {
        if (sender.deliverDue() > 0) {
          delays.add(Duration.between(last, clock.instant()));
          last = clock.instant();
        }
        if (db.mailQueue().pending() == 0) {
          gaveUpAt = clock.instant();
        }
        clock.advance(Duration.ofSeconds(5));
      }
      // 5 s doubling to 10 min, until 24 h after it was queued.
      assertThat(delays.subList(1, 9))
          .containsExactly(
              Duration.ofSeconds(5),
              Duration.ofSeconds(10),
              Duration.ofSeconds(20),
              Duration.ofSeconds(40),
              Duration.ofSeconds(80),
              Duration.ofSeconds(160),
              Duration.ofSeconds(320),
              Duration.ofSeconds(600));
      assertThat(gaveUpAt).isAfterOrEqualTo(T0.plus(MailSender.GIVE_UP_AFTER));
      assertThat(gaveUpAt)
          .isBefore(T0.plus(MailSender.GIVE_UP_AFTER).plus(MailSender.MAX_RETRY_DELAY));
      assertThat(meters.scrape()).contains("harmont_mail_failed_total 1.0");
      assertThat(OutboxForTest.dump(db)).doesNotContain(SECRET);
      String logged = String.join("\n", log);
      assertThat(logged).contains("Gave up").doesNotContain(SECRET, "person1@");
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void twoNodesDeliverEachMessageExactlyOnce(Backend backend) throws Exception {
    int port = freePort();
    startSmtp(port);
    int messages = 120;
    SealingKeys shared = SealingKeys.ephemeral();
    try (TestDatabase database = backend.create();
        Database nodeA = Database.open(database.settings());
        Database nodeB = Database.open(database.settings())) {
      nodeA.useSealingKeys(shared);
      nodeB.useSealingKeys(shared);
      Clock clock = Clock.systemUTC();
      for (int i = 0; i < messages; i++) {
        OutboxForTest.enqueue(i % 2 == 0 ? nodeA : nodeB, mail(i), clock.instant());
      }
      try (MailSender a = new MailSender(nodeA.mailQueue(), smtp(port, clock), clock, null);
          MailSender b = new MailSender(nodeB.mailQueue(), smtp(port, clock), clock, null)) {
        a.start();
        b.start();
        assertThat(greenMail.waitForIncomingEmail(60_000, messages)).isTrue();
      }
      Map<String, Integer> bySubject = new HashMap<>();
      for (MimeMessage m : greenMail.getReceivedMessages()) {
        bySubject.merge(m.getSubject(), 1, Integer::sum);
      }
      assertThat(bySubject).hasSize(messages);
      assertThat(bySubject.values()).containsOnly(1);
      assertThat(nodeA.mailQueue().pending()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aCommitThatQueuedMailWakesTheSender(Backend backend) throws Exception {
    int port = freePort();
    startSmtp(port);
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      Clock clock = Clock.systemUTC();
      // A poll interval far longer than any wait here: only the wake can deliver in time.
      try (MailSender sender =
          new MailSender(db.mailQueue(), smtp(port, clock), clock, null, Duration.ofHours(1))) {
        db.onMailCommitted(sender::wake);
        sender.start();
        OutboxForTest.enqueue(db, mail(7), clock.instant());
        assertThat(greenMail.waitForIncomingEmail(30_000, 1)).isTrue();
      }
      assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("Message 7");
    }
  }

  /**
   * One message at a time, {@link #LATENCY_MESSAGES} times: each is accepted by the SMTP server
   * after its commit woke the sender (the poll is an hour). The time from the commit to the
   * acceptance is printed for {@code bench/mail-delivery-latency.sh}, never asserted.
   */
  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void eachCommittedMessageIsAcceptedWithoutWaitingForThePoll(Backend backend) throws Exception {
    int port = freePort();
    startSmtp(port);
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      Clock clock = Clock.systemUTC();
      SmtpTransport smtp = smtp(port, clock);
      BlockingQueue<Long> accepted = new LinkedBlockingQueue<>();
      MailTransport timed =
          new MailTransport() {
            @Override
            public void send(OutgoingMail mail) throws MailDeliveryException {
              smtp.send(mail);
              accepted.add(System.nanoTime());
            }

            @Override
            public String describe() {
              return smtp.describe();
            }
          };
      long[] latencies = new long[LATENCY_MESSAGES];
      try (MailSender sender =
          new MailSender(db.mailQueue(), timed, clock, null, Duration.ofHours(1))) {
        db.onMailCommitted(sender::wake);
        sender.start();
        for (int i = 0; i < LATENCY_MESSAGES; i++) {
          long start = System.nanoTime();
          OutboxForTest.enqueue(db, mail(i), clock.instant()); // returns once committed
          Long done = accepted.poll(30, TimeUnit.SECONDS);
          assertThat(done).as("message %s accepted", i).isNotNull();
          latencies[i] = done - start;
        }
      }
      assertThat(greenMail.getReceivedMessages()).hasSize(LATENCY_MESSAGES);
      Arrays.sort(latencies);
      System.out.printf(
          "mail %s: commit → accepted by SMTP over %d: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
              + " max %.1f ms (load average %s)%n",
          backend.name().toLowerCase(Locale.ROOT),
          LATENCY_MESSAGES,
          percentileMillis(latencies, 50),
          percentileMillis(latencies, 90),
          percentileMillis(latencies, 99),
          latencies[LATENCY_MESSAGES - 1] / 1e6,
          loadAverage());
    }
  }

  private static final int LATENCY_MESSAGES = 100;

  /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
  private static double percentileMillis(long[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void withoutSmtpTheMessageIsLoggedWithItsLinkAndMarkedNotSent(Backend backend) {
    MutableClock clock = new MutableClock(T0);
    try (TestDatabase database = backend.create();
        Database db = Database.open(database.settings())) {
      MailSender sender = new MailSender(db.mailQueue(), new LogOnlyTransport(), clock, null);
      OutboxForTest.enqueue(db, mail(3), T0);
      assertThat(sender.deliverDue()).isEqualTo(1);
      assertThat(db.mailQueue().pending()).isZero();
      assertThat(log)
          .anySatisfy(
              line ->
                  assertThat(line)
                      .contains("not sent: no SMTP configured")
                      .contains("person3@example.org")
                      .contains("Message 3")
                      .contains("https://harmont.example/recover#token=" + SECRET + "3"));
    }
  }
}
