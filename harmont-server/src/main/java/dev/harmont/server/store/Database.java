package dev.harmont.server.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import com.zaxxer.hikari.util.DriverDataSource;
import dev.harmont.server.account.AccountStores;
import dev.harmont.server.account.CliGrantStore;
import dev.harmont.server.account.EmailLinkStore;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.EventStore;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.IdempotencyStore;
import dev.harmont.server.account.PasskeyChallengeStore;
import dev.harmont.server.account.PasskeyStore;
import dev.harmont.server.account.ServiceCredentialStore;
import dev.harmont.server.account.SignInLinkStore;
import dev.harmont.server.account.SsoStore;
import dev.harmont.server.account.TokenStore;
import dev.harmont.server.account.UserStore;
import dev.harmont.server.mail.MailQueue;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Opens the database named by {@link DatabaseSettings}, applies the migrations, and hands out the
 * stores. SQLite gets WAL, a busy timeout, foreign keys, full fsync on commit (unless {@link
 * SqliteSynchronous#NORMAL} is chosen), many reader connections and one writer connection owned by
 * a {@link SqliteWriter}, which commits the writes waiting at the same time together (writes queue
 * instead of fighting over the file lock, and share one fsync). PostgreSQL gets one pool for both,
 * with short timeouts so that an outage fails requests fast instead of holding them.
 */
public final class Database implements AccountStores, AutoCloseable {
  // A request waits at most this long for a connection before it is answered 503.
  private static final Duration CONNECTION_TIMEOUT = Duration.ofMillis(2000);
  private static final int SQLITE_BUSY_TIMEOUT_MS = 5000;
  // /readyz answers within this whatever the database does: a probe still waiting is not ready.
  private static final Duration READY_DEADLINE = CONNECTION_TIMEOUT;
  private static final int READY_PROBE_TIMEOUT_MS = 1000;

  /**
   * How long one readiness answer is reused: however many load balancers poll {@code /readyz} and
   * however often, each node asks the database at most once per this interval.
   */
  public static final Duration READINESS_REUSE = Duration.ofMillis(500);

  private static final System.Logger LOG = System.getLogger(Database.class.getName());

  /** The version of the newest migration in {@code db/migration/*}; bump it with every new one. */
  static final String SCHEMA_VERSION = "12";

  private final Dialect dialect;
  private final HikariDataSource reads;
  private final HikariDataSource writes;
  // SQLite only: the one thread that writes, committing waiting writes together.
  private final SqliteWriter sqliteWriter;
  // PostgreSQL only: where the dedicated listening connection goes (see openListenerConnection).
  private final JdbcTarget target;
  // Set once migrated: the schema's channel on PostgreSQL, nothing on SQLite.
  private volatile ChangeNotices notices = ChangeNotices.none();
  // The newest readiness probe: shared by every /readyz that arrives while it runs, and its answer
  // reused for READINESS_REUSE after it started.
  private final AtomicReference<Probe> readyProbe =
      new AtomicReference<>(
          new Probe(
              CompletableFuture.completedFuture(false),
              System.nanoTime() - READINESS_REUSE.toNanos()));
  // The last answer logged, so that only changes are logged.
  private volatile String lastReadiness = "";

  private record Probe(CompletableFuture<Boolean> result, long startedNanos) {}

  // What seals the mail outbox; chosen on first use unless set (see sealingKeys()).
  private volatile SealingKeys sealingKeys;

  // Connections of write transactions that queued mail, until the write returns (committed).
  /** Messages queued on this node so far; a write that saw it change wakes the sender. */
  private final AtomicLong mailEnqueued = new AtomicLong();

  // Told once a write that queued mail has committed (the sender of this node).
  private volatile Runnable mailCommitted = () -> {};

  private Database(
      Dialect dialect,
      HikariDataSource reads,
      HikariDataSource writes,
      SqliteSynchronous synchronous,
      MeterRegistry meters,
      JdbcTarget target) {
    this.dialect = dialect;
    this.target = target;
    this.reads = reads;
    this.writes = writes;
    this.sqliteWriter =
        dialect == Dialect.SQLITE
            ? new SqliteWriter(
                writes, CONNECTION_TIMEOUT, synchronous == SqliteSynchronous.FULL, meters)
            : null;
  }

  /** Loads SQLite's native library on a background thread (see HarmontServer.prepare). */
  public static void prepare() {
    Thread.ofPlatform()
        .name("harmont-prepare")
        .daemon()
        .start(
            () -> {
              try {
                SQLiteJDBCLoader.initialize();
              } catch (Exception | LinkageError e) {
                // Only a head start: opening the database loads it again and reports failures.
              }
            });
  }

  /** Opens the pools and migrates the schema to the newest version; nothing is measured. */
  public static Database open(DatabaseSettings settings) {
    return open(settings, null);
  }

  /**
   * Opens the pools and migrates the schema to the newest version.
   *
   * @param meters where the pools (HikariCP's own meters: {@code hikaricp_connections_active},
   *     {@code _idle}, {@code _pending}, acquire and usage times) and the SQLite writer (batch
   *     sizes, fsync time) are measured; null: not measured, and nothing is added to a connection
   *     checkout or a write
   */
  public static Database open(DatabaseSettings settings, MeterRegistry meters) {
    String url = settings.jdbcUrl();
    Dialect dialect = Dialect.forUrl(url);
    if (dialect == Dialect.SQLITE && (settings.url() == null || settings.url().isBlank())) {
      try {
        Files.createDirectories(settings.dataDir());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create data directory " + settings.dataDir(), e);
      }
    }
    Database db =
        switch (dialect) {
          case SQLITE -> {
            HikariDataSource writer =
                pool(settings, "harmont-sqlite-writer", 1, sqliteProps(true), meters);
            HikariDataSource reader =
                pool(
                    settings,
                    "harmont-sqlite-reader",
                    settings.poolSize(),
                    sqliteProps(false),
                    meters);
            yield new Database(dialect, reader, writer, settings.sqliteSynchronous(), meters, null);
          }
          case POSTGRESQL -> {
            HikariDataSource both =
                pool(settings, "harmont-postgresql", settings.poolSize(), postgresProps(), meters);
            yield new Database(
                dialect, both, both, settings.sqliteSynchronous(), meters, JdbcTarget.of(settings));
          }
        };
    try {
      db.migrate();
      if (dialect == Dialect.POSTGRESQL) {
        db.notices = ChangeNotices.forSchema(db.currentSchema());
      }
    } catch (RuntimeException e) {
      db.close();
      throw unreachable(e, settings).orElseThrow(() -> e);
    }
    return db;
  }

  /** A start-up failure because the database cannot be reached, said plainly. */
  private static java.util.Optional<HarmontException> unreachable(
      RuntimeException e, DatabaseSettings settings) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && SqlErrors.isUnavailable(sql)) {
        return java.util.Optional.of(
            new HarmontException(
                ErrorCode.SERVICE_UNAVAILABLE,
                "Cannot reach the database at "
                    + settings.describe()
                    + " ("
                    + sql.getMessage()
                    + "). Check the URL and that the database is up.",
                e));
      }
    }
    return java.util.Optional.empty();
  }

  private void migrate() {
    if (schemaIsCurrent()) {
      return;
    }
    refuseNewerSchema();
    Flyway.configure()
        .dataSource(writes)
        .locations(dialect.migrationLocation())
        .failOnMissingLocations(true)
        .load()
        .migrate();
  }

  /**
   * True when Flyway's history says that {@link #SCHEMA_VERSION}, the newest migration of this
   * build, is the last one applied and none failed. Then Flyway is not even loaded: that is ~0.4 s
   * of every restart (its classpath scan and validation), a third of the cold start. What is given
   * up is Flyway's check that applied migration files were not edited afterwards, which the build
   * guards instead ({@code MigrationsTest}). Any doubt (no history yet, an older or newer schema, a
   * failed migration, an error) goes to Flyway, which migrates or refuses as usual.
   */
  private boolean schemaIsCurrent() {
    try (Connection c = writes.getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT version, success FROM flyway_schema_history"
                  + " ORDER BY installed_rank DESC LIMIT 1")) {
        if (!rs.next() || !SCHEMA_VERSION.equals(rs.getString(1)) || !rs.getBoolean(2)) {
          return false;
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE NOT success")) {
        return rs.next() && rs.getLong(1) == 0;
      }
    } catch (SQLException e) {
      return false; // no history table yet, or the database is down: Flyway says which
    }
  }

  private String currentSchema() {
    try (Connection c = writes.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_schema()")) {
      rs.next();
      String schema = rs.getString(1);
      return schema == null ? "" : schema;
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
    }
  }

  /**
   * Refuses to start on a schema migrated by a newer build (a downgrade). Flyway alone would only
   * log a warning and carry on (its default {@code ignoreMigrationPatterns} is {@code *:future}),
   * leaving this older code to run against tables it does not know, and to fail request by request.
   */
  private void refuseNewerSchema() {
    String newest;
    try (Connection c = writes.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL"
                    + " ORDER BY installed_rank DESC LIMIT 1")) {
      if (!rs.next()) {
        return;
      }
      newest = rs.getString(1);
    } catch (SQLException e) {
      return; // no history table yet, or the database is down: Flyway says which
    }
    if (MigrationVersion.fromVersion(newest).compareTo(MigrationVersion.fromVersion(SCHEMA_VERSION))
        > 0) {
      throw new SchemaTooNewException(
          "The database schema is at version "
              + newest
              + ", newer than this build of harmont knows (version "
              + SCHEMA_VERSION
              + "): a newer harmont has upgraded it. Run that version (or newer), or restore the"
              + " backup taken before the upgrade. Downgrading the schema is not supported.");
    }
  }

  public Dialect dialect() {
    return dialect;
  }

  /** What writes send to every node's authentication cache. */
  ChangeNotices notices() {
    return notices;
  }

  /**
   * A connection of its own (not from the pool) for {@link ChangeListener}, named {@code
   * applicationName} in {@code pg_stat_activity}, in auto-commit mode.
   */
  Connection openListenerConnection(String applicationName, Duration socketTimeout)
      throws SQLException {
    if (target == null) {
      throw new IllegalStateException("only PostgreSQL has a listener");
    }
    Properties p = postgresProps();
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    if (target.user() != null) {
      p.setProperty("user", target.user());
    }
    if (target.password() != null) {
      p.setProperty("password", target.password());
    }
    return new org.postgresql.Driver().connect(target.url(), p);
  }

  @Override
  public UserStore users() {
    return new JdbcUserStore(this);
  }

  @Override
  public TokenStore tokens() {
    return new JdbcTokenStore(this);
  }

  @Override
  public EventStore events() {
    return new JdbcEventStore(this);
  }

  @Override
  public SignInLinkStore signInLinks() {
    return new JdbcSignInLinkStore(this);
  }

  @Override
  public CliGrantStore cliGrants() {
    return new JdbcCliGrantStore(this);
  }

  @Override
  public IdempotencyStore idempotency() {
    return new JdbcIdempotencyStore(this);
  }

  @Override
  public PasskeyStore passkeys() {
    return new JdbcPasskeyStore(this);
  }

  @Override
  public PasskeyChallengeStore passkeyChallenges() {
    return new JdbcPasskeyChallengeStore(this);
  }

  /**
   * The outbox a store enqueues mail into, inside its own write transaction ({@link #write}).
   * Messages are sealed under {@link #sealingKeys()}.
   */
  public MailOutbox mailOutbox() {
    return new JdbcMailOutbox(this, sealingKeys());
  }

  /** The sender's side of the outbox: lease due messages, report how each went. */
  public MailQueue mailQueue() {
    return new JdbcMailOutbox(this, sealingKeys());
  }

  /**
   * Seals the mail outbox with {@code keys} ({@code --secret-key-file}); call before the outbox is
   * first used.
   */
  public void useSealingKeys(SealingKeys keys) {
    this.sealingKeys = Objects.requireNonNull(keys, "keys");
  }

  /**
   * The keys that seal the outbox: those given to {@link #useSealingKeys}; else, for a SQLite file,
   * the key file beside it ({@code harmont.db.key}, created readable by its owner only when
   * missing, so that the server and the admin commands share it); else a key kept in memory only
   * (what it sealed cannot be opened after a restart).
   */
  public SealingKeys sealingKeys() {
    SealingKeys keys = sealingKeys;
    if (keys == null) {
      synchronized (this) {
        keys = sealingKeys;
        if (keys == null) {
          Path file = sqliteFile();
          keys =
              file == null
                  ? SealingKeys.ephemeral()
                  : SealingKeys.loadOrCreate(file.resolveSibling(file.getFileName() + ".key"));
          sealingKeys = keys;
        }
      }
    }
    return keys;
  }

  /** The SQLite database file, or null (PostgreSQL, in memory). */
  private Path sqliteFile() {
    if (dialect != Dialect.SQLITE) {
      return null;
    }
    try (Connection c = reads.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA database_list")) {
      while (rs.next()) {
        String file = rs.getString("file");
        if ("main".equals(rs.getString("name")) && file != null && !file.isEmpty()) {
          return Path.of(file);
        }
      }
      return null;
    } catch (SQLException e) {
      throw SqlErrors.translate(e);
    }
  }

  /** Runs {@code wake} each time a write that queued mail has committed on this node. */
  public void onMailCommitted(Runnable wake) {
    this.mailCommitted = Objects.requireNonNull(wake, "wake");
  }

  /** Noted by {@link JdbcMailOutbox#enqueue}: a write queued mail (it wakes the sender). */
  void mailEnqueued() {
    mailEnqueued.incrementAndGet();
  }

  /**
   * Email links and their requests; each message goes to {@link #mailOutbox()} in the transaction
   * of the link it carries.
   */
  public EmailLinkStore emailLinks() {
    return new JdbcEmailLinkStore(this, mailOutbox());
  }

  /**
   * The service credentials (issue 26). Not one of the {@link AccountStores}: only token
   * introspection and the operator commands use them.
   */
  public ServiceCredentialStore serviceCredentials() {
    return new JdbcServiceCredentialStore(this);
  }

  @Override
  public SsoStore sso() {
    return new JdbcSsoStore(this);
  }

  DataSource reads() {
    return reads;
  }

  DataSource writes() {
    return writes;
  }

  /**
   * Runs {@code work} in a write transaction and returns its result once committed. On SQLite the
   * transaction may be shared with other writes waiting at the same time ({@link SqliteWriter}); on
   * PostgreSQL each write has its own.
   */
  <T> T write(Jdbc.Work<T> work) {
    long queuedBefore = mailEnqueued.get();
    try {
      return sqliteWriter != null ? sqliteWriter.write(work) : Jdbc.inTransaction(writes, work);
    } finally {
      // Mail queued by this write is committed by now: the sender goes at once instead of at its
      // next poll. A write that ran beside it (another transaction, or the same SQLite batch) may
      // wake it too: a wake too many finds nothing new and costs one query, while one too few
      // would leave a message waiting for the poll. The same after a rollback.
      if (mailEnqueued.get() != queuedBefore) {
        mailCommitted.run();
      }
    }
  }

  /**
   * True when this node can write: a pooled connection answers within {@link #READY_DEADLINE} and,
   * on PostgreSQL, its session may write (not a standby, not {@code
   * default_transaction_read_only}): a node whose writes would fail is not ready. The answer never
   * takes longer than that deadline, even when the database stops answering without closing its
   * connections (a query's own timeout cannot be relied on then: its cancel request needs the
   * network too). One probe runs at a time; callers arriving meanwhile wait for its result, and
   * callers within {@link #READINESS_REUSE} of its start get the same answer, so a load balancer
   * polling hard never loads the database.
   */
  public boolean isReady() {
    Probe probe = readyProbe.get();
    long now = System.nanoTime();
    if (probe.result().isDone() && now - probe.startedNanos() >= READINESS_REUSE.toNanos()) {
      Probe fresh = new Probe(new CompletableFuture<>(), now);
      if (readyProbe.compareAndSet(probe, fresh)) {
        Thread.ofVirtual().name("harmont-ready-probe").start(() -> probe(fresh.result()));
        probe = fresh;
      } else {
        probe = readyProbe.get();
      }
    }
    try {
      return probe.result().get(READY_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void probe(CompletableFuture<Boolean> result) {
    String problem = "the readiness probe failed";
    String detail = "";
    try (Connection c = reads.getConnection()) {
      problem = dialect == Dialect.POSTGRESQL ? postgresCannotWrite(c) : sqliteCannotAnswer(c);
    } catch (SQLException | RuntimeException e) {
      problem = "the database does not answer";
      detail = " (" + e.getMessage() + ")";
    } finally {
      result.complete(problem == null); // whatever happened: /readyz never waits on nothing
    }
    logChange(problem, detail);
  }

  private static String sqliteCannotAnswer(Connection c) throws SQLException {
    return c.isValid(READY_PROBE_TIMEOUT_MS / 1000) ? null : "the database does not answer";
  }

  /**
   * Null when the session may write; else why not. The network timeout bounds the round trip (the
   * pool restores the connection's own when it is returned). A read-only connection is evicted: a
   * session keeps the read-only default it started with, so only a new one can tell that the
   * database accepts writes again.
   */
  private String postgresCannotWrite(Connection c) throws SQLException {
    c.setNetworkTimeout(Runnable::run, READY_PROBE_TIMEOUT_MS);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW transaction_read_only")) {
      if (rs.next() && "off".equals(rs.getString(1))) {
        return null;
      }
    }
    reads.evictConnection(c);
    return "the database is read-only (a standby, or default_transaction_read_only is on)";
  }

  /** Logs when readiness changes (not every probe: a balancer may poll every second). */
  private void logChange(String problem, String detail) {
    String now = problem == null ? "" : problem;
    if (!now.equals(lastReadiness)) {
      lastReadiness = now;
      if (problem == null) {
        LOG.log(System.Logger.Level.INFO, "Ready: the database accepts writes.");
      } else {
        LOG.log(System.Logger.Level.WARNING, "Not ready: " + problem + detail + ".");
      }
    }
  }

  @Override
  public void close() {
    if (sqliteWriter != null) {
      sqliteWriter.close();
    }
    reads.close();
    writes.close();
  }

  private static HikariDataSource pool(
      DatabaseSettings settings,
      String name,
      int size,
      Properties driverProperties,
      MeterRegistry meters) {
    HikariConfig config = new HikariConfig();
    config.setPoolName(name);
    if (meters != null) {
      config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(meters));
    }
    JdbcTarget target = JdbcTarget.of(settings);
    boolean postgres = Dialect.forUrl(target.url()) == Dialect.POSTGRESQL;
    if (postgres) {
      config.setDataSource(
          new FailoverDataSource(
              new DriverDataSource(
                  target.url(), null, driverProperties, target.user(), target.password())));
      // Drop connections that failed a write as read-only (see SqlErrors.ReadOnlyEviction).
      config.setExceptionOverride(new SqlErrors.ReadOnlyEviction());
    } else {
      config.setJdbcUrl(target.url());
      config.setDataSourceProperties(driverProperties);
      if (target.user() != null) {
        config.setUsername(target.user());
      }
      if (target.password() != null) {
        config.setPassword(target.password());
      }
    }
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(Math.min(1, size));
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setValidationTimeout(1000);
    // Start even when the database is down: requests then answer 503 until it is back.
    config.setInitializationFailTimeout(-1);
    return new HikariDataSource(config);
  }

  private static Properties sqliteProps(boolean writer) {
    Properties p = new Properties();
    p.setProperty("journal_mode", "WAL");
    p.setProperty("busy_timeout", Integer.toString(SQLITE_BUSY_TIMEOUT_MS));
    p.setProperty("foreign_keys", "true");
    // SQLite itself never waits for the disk at commit: with FULL (the default) the SqliteWriter
    // fsyncs the log for each batch of commits before any of them is answered, so a 201 survives
    // a power loss; with NORMAL nothing waits (survives kill -9, not an OS crash).
    p.setProperty("synchronous", SqliteSynchronous.NORMAL.name());
    if (writer) {
      // Take the write lock at BEGIN, so a transaction never fails half-way on lock upgrade.
      p.setProperty("transaction_mode", "IMMEDIATE");
    }
    return p;
  }

  /**
   * Driver defaults; a parameter of the same name in the URL wins (pgjdbc reads the URL last),
   * which is how an operator lifts the socket timeout for a long migration.
   */
  private static Properties postgresProps() {
    Properties p = new Properties();
    p.setProperty("connectTimeout", "2");
    p.setProperty("loginTimeout", "2");
    // A request waiting on a connection whose packets vanish (a partition, not a stop) is freed
    // after this many seconds. Every statement here is an indexed point lookup or a one-row write,
    // so anything near it is an outage, not a slow query.
    p.setProperty("socketTimeout", "5");
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "harmont");
    return p;
  }

  /** The URL without credentials, for messages and logs. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*@", "//***@");
  }
}
