package dev.harmont.server;

import dev.harmont.server.account.AccountService;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.AuthOutcome;
import dev.harmont.server.account.Authenticator;
import dev.harmont.server.account.Idempotency;
import dev.harmont.server.account.SecurityLog;
import dev.harmont.server.account.ServiceCredentials;
import dev.harmont.server.account.SignInLinks;
import dev.harmont.server.edge.HttpEdge;
import dev.harmont.server.http.HttpApi;
import dev.harmont.server.mail.LogOnlyTransport;
import dev.harmont.server.mail.MailSender;
import dev.harmont.server.mail.MailSettings;
import dev.harmont.server.mail.MailTransport;
import dev.harmont.server.mail.SmtpTransport;
import dev.harmont.server.observe.AuthMetrics;
import dev.harmont.server.observe.Metrics;
import dev.harmont.server.signin.EmailLinks;
import dev.harmont.server.signin.Passkeys;
import dev.harmont.server.signin.RelyingParty;
import dev.harmont.server.signin.Sso;
import dev.harmont.server.store.ChangeListener;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.Dialect;
import dev.harmont.server.store.SealingKeys;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The running service: database opened and migrated, HTTP listener started, and when {@link
 * ServerConfig#metricsAddress()} is set a second listener serving only {@code /metrics}. {@link
 * #close()} stops accepting, lets in-flight requests finish, then closes the database.
 */
public final class HarmontServer implements AutoCloseable {
  private static final Duration DRAIN_PERIOD = Duration.ofSeconds(10);
  private static final System.Logger LOG = System.getLogger(HarmontServer.class.getName());

  private final Database database;
  private final Accounts accounts;
  private final Web web;
  private final URI baseUri;

  private final ExecutorService background;
  // PostgreSQL with notifications on: the dedicated listening connection; else null.
  private final ChangeListener listener;
  private final Thread pruner;
  private final Metrics metrics;
  private final RelyingParty relyingParty;
  private final EmailLinks emailLinks;
  private final MailSender mailSender;
  private final Sso sso;

  private HarmontServer(
      Database database,
      Accounts accounts,
      Web web,
      URI baseUri,
      ExecutorService background,
      ChangeListener listener,
      Metrics metrics,
      Thread pruner,
      RelyingParty relyingParty,
      EmailLinks emailLinks,
      MailSender mailSender,
      Sso sso) {
    this.sso = sso;
    this.relyingParty = relyingParty;
    this.emailLinks = emailLinks;
    this.mailSender = mailSender;
    this.background = background;
    this.listener = listener;
    this.metrics = metrics;
    this.pruner = pruner;
    this.database = database;
    this.accounts = accounts;
    this.web = web;
    this.baseUri = baseUri;
  }

  /**
   * Starts the slow part of {@link #start} that needs no settings on a background thread, so it
   * overlaps with what the caller does first (parsing the command line): loading SQLite's native
   * library (~0.2 s, mostly extracting it to a temporary file), measured ~0.15 s off a cold start
   * (bench/RESULTS.md). Optional; {@link #start} does whatever is not done yet.
   */
  public static void prepare() {
    Database.prepare();
  }

  /** Opens the database, applies migrations and starts listening. */
  public static HarmontServer start(ServerConfig config) {
    Metrics metrics = config.metricsAddress() == null ? Metrics.off() : Metrics.prometheus();
    Database database;
    try {
      database = Database.open(config.database(), metrics.registry());
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
    ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
    ChangeListener listener = null;
    MailSender mailSender = null;
    try {
      mailSender = startMail(config, database, metrics);
      // Only PostgreSQL tells nodes about each other's changes; on SQLite entries live the short
      // TTL, the bound for a change made by an admin command in another process.
      AccountSettings settings = config.account();
      boolean notified =
          database.dialect() == Dialect.POSTGRESQL && settings.authCache().notified();
      if (!notified) {
        settings = settings.withAuthCache(settings.authCache().withoutNotifications());
      }
      // Off, no listener at all: not even the cost of a no-op call per authentication.
      AuthOutcome.Listener authOutcomes =
          metrics.enabled() ? new AuthMetrics(metrics.registry()) : AuthOutcome.Listener.NONE;
      Accounts accounts =
          Accounts.open(database, settings, config.clock(), background, authOutcomes);
      if (notified) {
        listener =
            ChangeListener.start(
                database,
                accounts.authenticator().cacheInvalidations(),
                settings.authCache().ttl(),
                config.clock());
      }
      if (metrics.enabled()) {
        AuthMetrics.bindCache(metrics.registry(), accounts.authenticator());
      }
      AtomicReference<String> docBase = new AtomicReference<>(config.publicUrl());
      // Set once listening: without a public URL the relying party names the port.
      AtomicReference<RelyingParty> relyingParty = new AtomicReference<>();
      Passkeys passkeys = new Passkeys(accounts, database, relyingParty::get);
      // Links point at the public URL, else at the relying party's origin (localhost: where
      // passkeys work on the server's own machine).
      EmailLinks emailLinks =
          new EmailLinks(
              accounts,
              database,
              database.emailLinks(),
              passkeys,
              config.signUp(),
              () -> config.publicUrl() != null ? config.publicUrl() : relyingParty.get().origin());
      ServiceCredentials services =
          new ServiceCredentials(
              database.serviceCredentials(), accounts.authenticator(), config.clock());
      Sso sso = new Sso(accounts, database, config.sso(), docBase::get);
      sso.discoverInBackground();
      HttpApi api =
          new HttpApi(
              accounts,
              passkeys,
              emailLinks,
              config,
              docBase::get,
              database::isReady,
              metrics.registry(),
              authOutcomes,
              services,
              sso);
      Web web = Web.start(config, api, metrics);
      String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
      if (host.equals("0.0.0.0") || host.equals("[::]")) {
        host = "127.0.0.1";
      }
      URI base = URI.create("http://" + host + ":" + web.api().port());
      docBase.compareAndSet(null, base.toString());
      relyingParty.set(RelyingParty.of(config.publicUrl(), web.api().port()));
      Thread pruner =
          startPruning(accounts.securityLog(), accounts.idempotency(), config.eventPruneInterval());
      return new HarmontServer(
          database,
          accounts,
          web,
          base,
          background,
          listener,
          metrics,
          pruner,
          relyingParty.get(),
          emailLinks,
          mailSender,
          sso);
    } catch (RuntimeException e) {
      if (listener != null) {
        listener.close();
      }
      if (mailSender != null) {
        mailSender.close();
      }
      background.shutdownNow();
      database.close();
      metrics.close();
      throw e;
    }
  }

  /**
   * Seals the outbox with the configured keys and starts this node's sender: over SMTP, or into the
   * log when there is no SMTP URL. PostgreSQL with SMTP needs {@code --secret-key-file}: every node
   * (and admin command) must seal and open with the same key, and one made here would be this
   * node's only.
   */
  private static MailSender startMail(ServerConfig config, Database database, Metrics metrics) {
    MailSettings mail = config.mail();
    if (mail.secretKeyFile() != null) {
      database.useSealingKeys(SealingKeys.load(mail.secretKeyFile()));
    } else if (database.dialect() == Dialect.POSTGRESQL && mail.smtpUrl() != null) {
      throw new IllegalArgumentException(
          "--smtp-url with PostgreSQL needs --secret-key-file (HARMONT_SECRET_KEY_FILE): the mail"
              + " outbox is sealed, and every node must use the same key. Make one with:"
              + " head -c 32 /dev/urandom | base64 > harmont.key; chmod 600 harmont.key"
              + " (see docs/email.md).");
    }
    database.sealingKeys(); // a missing or unreadable key file fails the start, not a request
    MailTransport transport =
        mail.smtpUrl() == null
            ? new LogOnlyTransport()
            : SmtpTransport.of(mail, SmtpTransport.defaultFrom(publicHost(config)), config.clock());
    MailSender sender =
        new MailSender(database.mailQueue(), transport, config.clock(), metrics.registry());
    database.onMailCommitted(sender::wake);
    return sender.start();
  }

  private static String publicHost(ServerConfig config) {
    if (config.publicUrl() != null) {
      String host = URI.create(config.publicUrl()).getHost();
      if (host != null && !host.isEmpty()) {
        return host;
      }
    }
    return "localhost";
  }

  /**
   * Deletes security events past their retention and expired idempotency records now and then every
   * {@code interval}, on a virtual thread that ends with the executor. A failure (the database is
   * down) is logged and retried at the next interval; neither is ever shown once expired anyway.
   */
  private static Thread startPruning(
      SecurityLog securityLog, Idempotency idempotency, Duration interval) {
    return Thread.ofVirtual()
        .name("harmont-event-pruning")
        .start(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  securityLog.deleteExpiredEvents();
                } catch (RuntimeException e) {
                  LOG.log(
                      System.Logger.Level.WARNING, "could not delete expired security events", e);
                }
                try {
                  idempotency.deleteExpired();
                } catch (RuntimeException e) {
                  LOG.log(
                      System.Logger.Level.WARNING,
                      "could not delete expired idempotency records",
                      e);
                }
                try {
                  Thread.sleep(interval);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
  }

  /** The API's listener and, when metrics are on, the metrics listener. */
  private record Web(HttpEdge api, HttpEdge metrics) implements AutoCloseable {
    static Web start(ServerConfig config, HttpApi api, Metrics metrics) {
      HttpEdge apiEdge = null;
      try {
        apiEdge =
            HttpEdge.start(
                new HttpEdge.Settings(
                    config.host(),
                    config.port(),
                    api.handler(),
                    api.refusals(),
                    config.maxHeaderBytes(),
                    config.maxBodyBytes(),
                    DRAIN_PERIOD));
        // A listener of its own, never the API's: the metrics are for the operator's network.
        HttpEdge metricsEdge =
            config.metricsAddress() == null
                ? null
                : HttpEdge.start(
                    new HttpEdge.Settings(
                        config.metricsAddress().host(),
                        config.metricsAddress().port(),
                        metrics.handler(),
                        (req, res) -> res.send(),
                        config.maxHeaderBytes(),
                        config.maxBodyBytes(),
                        DRAIN_PERIOD));
        return new Web(apiEdge, metricsEdge);
      } catch (IOException e) {
        if (apiEdge != null) {
          apiEdge.close();
        }
        throw new IllegalArgumentException(
            "Cannot listen on "
                + (apiEdge == null
                    ? new ListenAddress(config.host(), config.port())
                    : config.metricsAddress() + " (metrics)")
                + ": "
                + e.getMessage(),
            e);
      }
    }

    @Override
    public void close() {
      try {
        api.close();
      } finally {
        if (metrics != null) {
          metrics.close();
        }
      }
    }
  }

  public int port() {
    return web.api().port();
  }

  /** The port of the metrics listener; -1 when metrics are off. */
  public int metricsPort() {
    return web.metrics() == null ? -1 : web.metrics().port();
  }

  public URI baseUri() {
    return baseUri;
  }

  /** The account rules (profile, keys, sessions, operator actions). */
  public AccountService accounts() {
    return accounts.service();
  }

  /** The hot path and its cache. */
  public Authenticator authenticator() {
    return accounts.authenticator();
  }

  /** Who passkeys are made for: the origin and RP ID the server accepts. */
  public RelyingParty relyingParty() {
    return relyingParty;
  }

  /** Sign-up, recovery and invitations by email. */
  public EmailLinks emailLinks() {
    return emailLinks;
  }

  /** Single sign-on; {@link Sso#redirectUri()} is what to register at the providers. */
  public Sso sso() {
    return sso;
  }

  public SignInLinks signInLinks() {
    return accounts.signInLinks();
  }

  public Database database() {
    return database;
  }

  /** This node's mail sender (where messages go: {@link MailSender#describe()}). */
  public MailSender mailSender() {
    return mailSender;
  }

  /** The connection listening for other nodes' changes; empty on SQLite or with them off. */
  public Optional<ChangeListener> changeListener() {
    return Optional.ofNullable(listener);
  }

  @Override
  public void close() {
    try {
      pruner.interrupt();
      web.close();
      // Let pending last-used writes and a running deletion of old events finish before the
      // pools go.
      background.shutdown();
      background.awaitTermination(5, TimeUnit.SECONDS);
      pruner.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // After the last request: a message queued by it still goes out now (or after a restart).
      mailSender.close();
      if (listener != null) {
        listener.close();
      }
      database.close();
      metrics.close();
    }
  }
}
