package dev.harmont.server.mail;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Delivers the outbox: one virtual thread per node leases due messages ({@link MailQueue#claim}),
 * sends each through its {@link MailTransport}, and deletes it once accepted. A failure is retried
 * after 5 s, doubling up to 10 min; a message still not delivered 24 h after it was queued (or
 * refused for good) is given up, counted and logged without its body. It runs as soon as a write
 * that queued mail commits on this node ({@link #wake()}), and polls every few seconds for the rest
 * (retries, messages queued by another node or an admin command, a restart after a crash).
 *
 * <p>Meters: {@code harmont_mail_outbox_pending}, {@code harmont_mail_sent_total}, {@code
 * harmont_mail_retries_total}, {@code harmont_mail_failed_total}.
 */
public final class MailSender implements AutoCloseable {
  /** The first retry's delay; each next one doubles, up to {@link #MAX_RETRY_DELAY}. */
  public static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(5);

  public static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(10);

  /** A message not delivered this long after it was queued is given up. */
  public static final Duration GIVE_UP_AFTER = Duration.ofHours(24);

  /** How long the record of a given-up message (no body: its id, attempts, last error) is kept. */
  public static final Duration KEEP_GIVEN_UP = Duration.ofDays(30);

  /** How often the outbox is looked at without being woken. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  // Longer than a send can take (connect, TLS, each command time out): a lease that runs out
  // means its node died, and another node (or this one after a restart) takes the message.
  static final Duration LEASE = Duration.ofMinutes(5);
  private static final int BATCH = 16;
  private static final Duration SWEEP_INTERVAL = Duration.ofMinutes(1);
  private static final Duration CLOSE_GRACE = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(MailSender.class.getName());

  private final MailQueue queue;
  private final MailTransport transport;
  private final Clock clock;
  private final String owner = "node-" + UUID.randomUUID();
  private final Semaphore wakeUp = new Semaphore(0);
  private final Duration pollInterval;
  private final Counter sent;
  private final Counter retries;
  private final Counter failed;
  private volatile boolean closed;
  private volatile boolean outboxTroubleLogged;
  private Instant lastSweep = Instant.MIN;
  private Thread thread;

  /**
   * A sender, not yet running (see {@link #start()}).
   *
   * @param meters where its meters go; null: not measured
   */
  public MailSender(MailQueue queue, MailTransport transport, Clock clock, MeterRegistry meters) {
    this(queue, transport, clock, meters, POLL_INTERVAL);
  }

  /** A sender that polls every {@code pollInterval} (tests: to show what the wake does alone). */
  public MailSender(
      MailQueue queue,
      MailTransport transport,
      Clock clock,
      MeterRegistry meters,
      Duration pollInterval) {
    this.pollInterval = pollInterval;
    this.queue = queue;
    this.transport = transport;
    this.clock = clock;
    // Off (null), nothing is counted: not even a registry is made.
    this.sent =
        meters == null
            ? null
            : Counter.builder("harmont.mail.sent")
                .description("Messages the SMTP server accepted (or, without SMTP, logged).")
                .register(meters);
    this.retries =
        meters == null
            ? null
            : Counter.builder("harmont.mail.retries")
                .description("Failed delivery attempts that will be tried again.")
                .register(meters);
    this.failed =
        meters == null
            ? null
            : Counter.builder("harmont.mail.failed")
                .description("Messages given up (refused for good, or not delivered within 24 h).")
                .register(meters);
    if (meters != null) {
      Gauge.builder("harmont.mail.outbox.pending", this, MailSender::pendingOrNaN)
          .description("Messages in the outbox not yet sent nor given up (every node's).")
          .register(meters);
    }
  }

  /** Starts delivering on a virtual thread of its own. */
  public MailSender start() {
    thread = Thread.ofVirtual().name("harmont-mail-sender").start(this::loop);
    return this;
  }

  /** Looks at the outbox now rather than at the next poll (a write that queued mail committed). */
  public void wake() {
    if (wakeUp.availablePermits() == 0) {
      wakeUp.release();
    }
  }

  /** Where messages go, for the start-up line. */
  public String describe() {
    return transport.describe();
  }

  private void loop() {
    while (!closed) {
      int handled = 0;
      try {
        handled = deliverDue();
        if (outboxTroubleLogged) {
          outboxTroubleLogged = false;
          LOG.log(System.Logger.Level.INFO, "The mail outbox is reachable again.");
        }
      } catch (RuntimeException e) {
        // The database is down: the messages wait in it; try again at the next poll.
        if (!outboxTroubleLogged) {
          outboxTroubleLogged = true;
          LOG.log(
              System.Logger.Level.WARNING,
              "Cannot read the mail outbox; retrying every "
                  + pollInterval.toSeconds()
                  + " s: "
                  + e.getMessage());
        }
      }
      if (handled < BATCH) {
        try {
          wakeUp.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          wakeUp.drainPermits();
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  /**
   * Sends the messages due now, at most one batch; returns how many were handled (sent, retried or
   * given up). Public for tests that drive the sender without its thread.
   */
  public int deliverDue() {
    Instant now = clock.instant();
    if (!now.isBefore(lastSweep.plus(SWEEP_INTERVAL))) {
      lastSweep = now;
      int old =
          queue.giveUpOlderThan(
              now.minus(GIVE_UP_AFTER),
              now,
              "not delivered within " + GIVE_UP_AFTER.toHours() + " h");
      if (old > 0) {
        count(failed, old);
        LOG.log(
            System.Logger.Level.WARNING,
            "Gave up "
                + old
                + " message(s) not delivered within "
                + GIVE_UP_AFTER.toHours()
                + " h (see the outbox's last_error).");
      }
      queue.deleteGivenUpBefore(now.minus(KEEP_GIVEN_UP));
    }
    List<QueuedMail> due = queue.claim(owner, now, LEASE, BATCH);
    for (QueuedMail m : due) {
      deliver(m);
    }
    return due.size();
  }

  private void deliver(QueuedMail m) {
    if (m.mail() == null) {
      giveUp(m, "the stored message cannot be opened (altered, or sealed with another key)");
      return;
    }
    try {
      transport.send(m.mail());
    } catch (MailDeliveryException e) {
      Instant now = clock.instant();
      if (e.permanent()) {
        giveUp(m, e.getMessage());
      } else if (!now.isBefore(m.createdAt().plus(GIVE_UP_AFTER))) {
        giveUp(m, e.getMessage());
      } else {
        queue.retry(m.id(), owner, now.plus(retryDelay(m.attempts())), e.getMessage());
        count(retries, 1);
        LOG.log(
            System.Logger.Level.WARNING,
            "Mail "
                + m.id()
                + " not delivered (attempt "
                + m.attempts()
                + "), retrying in "
                + retryDelay(m.attempts()).toSeconds()
                + " s: "
                + e.getMessage());
      }
      return;
    } catch (RuntimeException e) {
      // A bug in rendering must not stop the outbox: retried like a failure, logged with its stack.
      LOG.log(System.Logger.Level.ERROR, "Mail " + m.id() + " could not be sent", e);
      queue.retry(
          m.id(), owner, clock.instant().plus(retryDelay(m.attempts())), e.getClass().getName());
      count(retries, 1);
      return;
    }
    queue.sent(m.id(), owner);
    count(sent, 1);
  }

  private void giveUp(QueuedMail m, String why) {
    queue.giveUp(m.id(), owner, clock.instant(), why);
    count(failed, 1);
    LOG.log(
        System.Logger.Level.WARNING,
        "Gave up mail " + m.id() + " after " + m.attempts() + " attempt(s): " + why);
  }

  private static void count(Counter counter, int n) {
    if (counter != null) {
      counter.increment(n);
    }
  }

  /** The delay after the {@code attempts}-th failed attempt: 5 s, 10 s, 20 s, … at most 10 min. */
  static Duration retryDelay(int attempts) {
    int doublings = Math.min(Math.max(attempts - 1, 0), 20);
    Duration delay = FIRST_RETRY_DELAY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay;
  }

  private double pendingOrNaN() {
    try {
      return queue.pending();
    } catch (RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Stops after the message being sent (if any); what is left waits in the outbox. */
  @Override
  public void close() {
    closed = true;
    wake();
    if (thread != null) {
      try {
        thread.join(CLOSE_GRACE);
        if (thread.isAlive()) {
          thread.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
