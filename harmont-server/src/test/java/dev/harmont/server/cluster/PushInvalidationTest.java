package dev.harmont.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.account.CreatedUser;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.store.ChangeListener;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TcpProxy;
import dev.harmont.server.testing.TestDatabase;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Two nodes over one PostgreSQL: a credential ended through node A is refused by node B because the
 * ending transaction notifies and B's listener forgets it, long before B's entry could have
 * expired; and when B's listener is cut off (its backend terminated, the database gone and back,
 * the network silently dropping packets), B never accepts an ended credential longer than the short
 * TTL, and starts listening again by itself.
 *
 * <p>Node A talks to PostgreSQL directly, node B through a {@link TcpProxy}, so B alone can be cut
 * off while A keeps revoking. B is probed with a bare HTTP client (503s are expected during an
 * outage, which the spec-checking client would refuse), A with the usual {@link Api}.
 *
 * <p>What tells the notice from the fallback is asserted, never a latency: without the notice, B
 * serves an entry for at least the short TTL after caching it (longer while it listens), so a
 * refusal before that can only be the notice's doing. The push tests run with a short TTL of {@link
 * #PUSH_SHORT_TTL}, so only a machine that stalls for that long could fail them; the outage tests
 * with the shipped settings (short TTL 1 s, notified TTL 60 s), since what they assert is measured
 * in short TTLs. How fast the notice is (the issue's target: p99 ≤ 50 ms, max ≤ 200 ms) is a
 * benchmark, printed by the push tests and compared with the target by {@code
 * bench/push-invalidation-postgres.sh}: on a 2-core machine that other builds keep at a load of 20,
 * its tail is CPU scheduling, not the notification (see docs/postgresql.md and bench/RESULTS.md).
 */
@EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
class PushInvalidationTest {
  private static final String USER = "/api/v0/user";
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final int ENDINGS = 100;

  /**
   * The short TTL of the push tests: 600 times the issue's 50 ms target, so that "refused before
   * the entry was one short TTL old" tells the notice from the expiry however busy the machine.
   */
  private static final Duration PUSH_SHORT_TTL = Duration.ofSeconds(30);

  private static final AuthCacheSettings PUSH_MEASURED =
      new AuthCacheSettings(
          PUSH_SHORT_TTL, Duration.ofMinutes(10), AuthCacheSettings.DEFAULTS.maxEntries());
  private static final Duration RECONNECT_BOUND = Duration.ofSeconds(15);

  private TestDatabase database;
  private TcpProxy proxy;
  private HarmontServer a;
  private HarmontServer b;
  private Duration shortTtl;
  private Api apiA;
  private final Map<Thread, Prober> probers = new ConcurrentHashMap<>();

  /** Nodes A and B with the cache settings {@code cache}; B listening. */
  private void startTwoNodes(AuthCacheSettings cache) {
    database = Backend.POSTGRESQL.create();
    InetSocketAddress postgres = database.postgresAddress();
    proxy = TcpProxy.to(postgres.getHostString(), postgres.getPort());
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .database(database.settings())
            // Every measurement ends in a 401 from one address: not an attack.
            .authFailureLimit(0)
            .authCache(cache)
            .build();
    shortTtl = config.account().authCache().ttl();
    assertThat(config.account().authCache().notifiedTtl()).isGreaterThan(shortTtl.multipliedBy(10));
    a = HarmontServer.start(config);
    b =
        HarmontServer.start(
            config.toBuilder().database(database.settingsVia("127.0.0.1", proxy.port())).build());
    apiA = new Api(a.baseUri());
    awaitListening(b, 0);
  }

  @AfterEach
  void stop() {
    probers.values().forEach(Prober::close);
    for (AutoCloseable c : new AutoCloseable[] {b, a, proxy, database}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---- Connected: refused through the notice, long before the entry could expire. ----

  @Test
  void aKeyRevokedThroughAIsRefusedByBBeforeItsEntryCouldExpire() {
    startTwoNodes(PUSH_MEASURED);
    String owner = a.accounts().createUser("revoke@example.org", "Revoke").key().secret();
    measure(
        "revoke",
        i -> {
          Api.Response created = apiA.post(TOKENS, owner, "{}");
          String id = created.json().at("/api_token/id").asText();
          return new Credential(
              created.json().get("token").asText(),
              () -> assertThat(apiA.delete(TOKENS + "/" + id, owner).status()).isEqualTo(204));
        });
  }

  @Test
  void aDeletedAccountsKeyIsRefusedByBBeforeItsEntryCouldExpire() {
    startTwoNodes(PUSH_MEASURED);
    measure(
        "delete account",
        i -> {
          String key = a.accounts().createUser("gone" + i + "@example.org", "Gone").key().secret();
          return new Credential(
              key, () -> assertThat(apiA.delete(USER, key).status()).isEqualTo(204));
        });
  }

  @Test
  void aLoggedOutTokenIsRefusedByBBeforeItsEntryCouldExpire() {
    startTwoNodes(PUSH_MEASURED);
    a.accounts().createUser("logout@example.org", "Logout");
    measure(
        "logout",
        i -> {
          String session =
              a.accounts()
                  .issueSessionToken("logout@example.org", AccountSettings.DEFAULT_SESSION_TTL)
                  .secret();
          return new Credential(
              session,
              () ->
                  assertThat(apiA.post("/api/v0/auth/logout", session, null).status())
                      .isEqualTo(204));
        });
  }

  @Test
  void whileListeningBServesAKeyFromMemoryPastTheShortTtl() throws Exception {
    startTwoNodes(AuthCacheSettings.DEFAULTS);
    CreatedUser user = a.accounts().createUser("long@example.org", "Long");
    String key = user.key().secret();
    assertThat(status(b, key)).isEqualTo(200);
    // Deleted behind every node's back, without the notice every store method sends: only an
    // entry living longer than the short TTL can still be served after it.
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("DELETE FROM api_tokens WHERE user_id = ?")) {
      ps.setObject(1, user.user().id());
      assertThat(ps.executeUpdate()).isOne();
    }
    Thread.sleep(shortTtl.plusMillis(500).toMillis());

    assertThat(b.authenticator().cacheListening()).isTrue();
    assertThat(status(b, key)).isEqualTo(200);
    assertThat(status(a, key)).as("A never cached it").isEqualTo(401);
  }

  @Test
  void aRenameThroughAShowsOnBBeforeItsEntryCouldExpire() {
    startTwoNodes(PUSH_MEASURED);
    // A rename notifies too, so B never shows a stale name for the long TTL.
    String other = a.accounts().createUser("name@example.org", "Before").key().secret();
    Api apiB = new Api(b.baseUri());
    long cachedAt = System.nanoTime();
    assertThat(apiB.get(USER, other).json().get("name").asText()).isEqualTo("Before");
    assertThat(apiA.patch(USER, other, "{\"name\":\"After\"}").status()).isEqualTo(200);
    String name = "Before";
    while (name.equals("Before") && System.nanoTime() - cachedAt < shortTtl.toNanos()) {
      name = apiB.get(USER, other).json().get("name").asText();
    }
    assertThat(name).as("shown by B before its entry was one short TTL old").isEqualTo("After");
  }

  // ---- Not connected: ≤ the short TTL, and the node listens again by itself. ----

  @Test
  void whenTheListenersBackendIsTerminatedNoEndedKeyOutlivesTheShortTtlAndBListensAgain()
      throws Exception {
    startTwoNodes(AuthCacheSettings.DEFAULTS);
    String owner = a.accounts().createUser("kill@example.org", "Kill").key().secret();
    Credential key = newKey(owner);
    assertThat(status(b, key.secret())).isEqualTo(200);
    long connects = listener(b).connects();
    int pid = listenerPid(b);

    terminate(pid);
    key.end().run();
    long endedAt = System.nanoTime();
    List<Probe> probes = probeUntilRefused(b, key.secret(), endedAt, shortTtl.multipliedBy(3));

    assertNeverAcceptedAfterTheShortTtl(probes, endedAt);
    awaitListening(b, connects);
    assertThat(listenerPid(b)).as("a new backend").isNotEqualTo(pid);
    assertNotifiedAgain(owner);
  }

  @Test
  void whenTheDatabaseGoesAwayAndComesBackNoEndedKeyOutlivesTheShortTtlAndBListensAgain()
      throws Exception {
    startTwoNodes(AuthCacheSettings.DEFAULTS);
    String owner = a.accounts().createUser("restart@example.org", "Restart").key().secret();
    Credential key = newKey(owner);
    assertThat(status(b, key.secret())).isEqualTo(200);
    long connects = listener(b).connects();

    // What B sees when PostgreSQL restarts: every connection reset, new ones refused.
    proxy.cut();
    key.end().run(); // through A, which still reaches the database
    long endedAt = System.nanoTime();
    List<Probe> probes = probeUntilRefused(b, key.secret(), endedAt, shortTtl.multipliedBy(3));
    Thread.sleep(shortTtl.toMillis()); // a gap longer than the short TTL
    proxy.restore();

    assertNeverAcceptedAfterTheShortTtl(probes, endedAt);
    awaitListening(b, connects);
    assertThat(status(b, key.secret())).isEqualTo(401);
    assertNotifiedAgain(owner);
  }

  @Test
  void whenTheNetworkSilentlyDropsPacketsAKeyCachedLongAgoStopsWithinTheShortTtl()
      throws Exception {
    startTwoNodes(AuthCacheSettings.DEFAULTS);
    String owner = a.accounts().createUser("partition@example.org", "Partition").key().secret();
    Credential key = newKey(owner);
    assertThat(status(b, key.secret())).isEqualTo(200);
    // Older than the short TTL: B serves it only because its listener keeps confirming.
    Thread.sleep(shortTtl.plusMillis(300).toMillis());
    assertThat(status(b, key.secret())).isEqualTo(200);
    long connects = listener(b).connects();

    // Nothing is closed, nothing is reported: the listener just stops hearing.
    proxy.blackhole();
    key.end().run();
    long endedAt = System.nanoTime();
    List<Probe> probes = probeUntilRefused(b, key.secret(), endedAt, shortTtl.multipliedBy(3));
    proxy.restore();

    assertNeverAcceptedAfterTheShortTtl(probes, endedAt);
    awaitListening(b, connects);
    assertNotifiedAgain(owner);
  }

  // ---- Helpers ----

  /** A secret, and what ends it through node A. */
  private record Credential(String secret, Runnable end) {}

  /** One request of B's loop, as the client saw it. */
  private record Probe(long sentNanos, long receivedNanos, int status) {
    @Override
    public String toString() {
      return status + " sent at " + sentNanos + ", received at " + receivedNanos;
    }
  }

  private Credential newKey(String owner) {
    Api.Response created = apiA.post(TOKENS, owner, "{}");
    String id = created.json().at("/api_token/id").asText();
    return new Credential(
        created.json().get("token").asText(),
        () -> assertThat(apiA.delete(TOKENS + "/" + id, owner).status()).isEqualTo(204));
  }

  /**
   * For each of {@link #ENDINGS} credentials: B serves it (so B's cache holds it) and keeps serving
   * it in a loop while A ends it, and refuses it before its entry is one short TTL old; the time
   * from A's answer to B's first refusal (printed, for the benchmark).
   */
  private void measure(String what, IntFunction<Credential> newCredential) {
    assertThat(status(b, "hm_warmup_unknown")).isEqualTo(401);
    Duration[] latencies = new Duration[ENDINGS];
    Duration[] noticed = new Duration[ENDINGS];
    try (NoticeTimes notices = new NoticeTimes()) {
      measure(what, newCredential, latencies, noticed, notices);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    Arrays.sort(latencies);
    Arrays.sort(noticed);
    System.out.printf(
        "%s: ended on A → refused on B over %d: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms;"
            + " of which the notice reached a plain JDBC listener in: p50 %.1f ms, p99 %.1f ms,"
            + " max %.1f ms (load average %s)%n",
        what,
        ENDINGS,
        millis(percentile(latencies, 50)),
        millis(percentile(latencies, 90)),
        millis(percentile(latencies, 99)),
        millis(latencies[ENDINGS - 1]),
        millis(percentile(noticed, 50)),
        millis(percentile(noticed, 99)),
        millis(noticed[ENDINGS - 1]),
        loadAverage());
  }

  private void measure(
      String what,
      IntFunction<Credential> newCredential,
      Duration[] latencies,
      Duration[] noticed,
      NoticeTimes notices) {
    for (int i = 0; i < ENDINGS; i++) {
      Credential credential = newCredential.apply(i);
      long cachedAt = System.nanoTime();
      assertThat(status(b, credential.secret())).isEqualTo(200);
      assertThat(b.authenticator().cacheListening()).isTrue();
      CompletableFuture<List<Probe>> loop =
          CompletableFuture.supplyAsync(
              () -> probeUntilRefused(b, credential.secret(), cachedAt, shortTtl));
      credential.end().run();
      long endedAt = System.nanoTime();
      List<Probe> probes = loop.join();
      assertRefusedBeforeTheShortTtl(probes.getLast(), cachedAt, what + " " + i);
      Probe refused = probes.getLast();
      latencies[i] = Duration.ofNanos(Math.max(0, refused.receivedNanos() - endedAt));
      noticed[i] = Duration.ofNanos(Math.max(0, notices.arrival(credential.secret()) - endedAt));
    }
  }

  /**
   * For the record only (not asserted): when each notice reaches a plain JDBC connection listening
   * on the same channel in this JVM, to tell PostgreSQL's delivery from the node's own part.
   */
  private final class NoticeTimes implements AutoCloseable {
    private final Connection connection;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    NoticeTimes() throws SQLException {
      connection = connect();
      String url = database.settings().url();
      String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
      try (Statement st = connection.createStatement()) {
        st.execute("LISTEN \"harmont_auth:" + schema + "\"");
      }
      reader = Thread.ofPlatform().daemon().start(this::read);
    }

    private void read() {
      try {
        PGConnection pg = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] got = pg.getNotifications(50);
          long now = System.nanoTime();
          if (got != null) {
            for (PGNotification n : got) {
              for (String word : n.getParameter().substring(2).split(" ")) {
                arrivals.putIfAbsent(word, now);
              }
            }
          }
        }
      } catch (SQLException e) {
        // Closed.
      }
    }

    long arrival(String secret) {
      // A guard against waiting forever, not a bound: the time is only recorded.
      long deadline = System.nanoTime() + PUSH_SHORT_TTL.toNanos();
      Long at;
      while ((at = arrivals.get(Secrets.hash(secret))) == null) {
        assertThat(System.nanoTime()).as("the notice arrived").isLessThan(deadline);
        sleep(Duration.ofMillis(1));
      }
      return at;
    }

    @Override
    public void close() throws SQLException {
      closed = true;
      try {
        reader.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      connection.close();
    }
  }

  /**
   * B refused the credential before the entry it cached at {@code cachedAt} (just before the
   * request that cached it) was one short TTL old. Without the notice, B would have served it at
   * least that long: only the notice can have ended it sooner, however slow the machine.
   */
  private void assertRefusedBeforeTheShortTtl(Probe last, long cachedAt, String what) {
    assertThat(last.status())
        .as("%s: refused by B, within a short TTL: %s", what, last)
        .isEqualTo(401);
    assertThat(Duration.ofNanos(last.receivedNanos() - cachedAt))
        .as("%s: refused before B's entry could expire: %s", what, last)
        .isLessThan(shortTtl);
  }

  /** Nearest-rank percentile of sorted values. */
  private static Duration percentile(Duration[] sorted, int p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  /**
   * GETs the user with {@code secret} on {@code node} in a loop until it is not a 200. Gives up
   * (the last probe then is a 200) once {@code giveUpAfter} has passed since {@code since}.
   */
  private List<Probe> probeUntilRefused(
      HarmontServer node, String secret, long since, Duration giveUpAfter) {
    List<Probe> probes = new ArrayList<>();
    while (true) {
      long sent = System.nanoTime();
      int status = status(node, secret);
      probes.add(new Probe(sent, System.nanoTime(), status));
      if (status != 200 || System.nanoTime() - since > giveUpAfter.toNanos()) {
        return probes;
      }
    }
  }

  /**
   * No request sent more than one short TTL after the credential was ended (A's answer) was
   * accepted, and B did stop accepting it.
   */
  private void assertNeverAcceptedAfterTheShortTtl(List<Probe> probes, long endedAt) {
    long deadline = endedAt + shortTtl.toNanos();
    System.out.println(
        "after the end: "
            + probes.size()
            + " probes, "
            + probes.stream().filter(p -> p.status() == 200).count()
            + " accepted, the last sent "
            + (probes.getLast().sentNanos() - endedAt) / 1_000_000
            + " ms after the end with "
            + probes.getLast().status());
    assertThat(probes)
        .allSatisfy(
            p -> {
              if (p.status() == 200) {
                assertThat(p.sentNanos())
                    .as("accepted after the short TTL: %s", p)
                    .isLessThan(deadline);
              } else {
                assertThat(p.status()).as(p.toString()).isIn(401, 503);
              }
            });
    assertThat(probes.getLast().status()).as("B stopped accepting it").isNotEqualTo(200);
  }

  /** A few more revocations, each refused by B through the notice again. */
  private void assertNotifiedAgain(String owner) {
    for (int i = 0; i < 5; i++) {
      Credential key = newKey(owner);
      long cachedAt = System.nanoTime();
      assertThat(status(b, key.secret())).isEqualTo(200);
      CompletableFuture<List<Probe>> loop =
          CompletableFuture.supplyAsync(
              () -> probeUntilRefused(b, key.secret(), cachedAt, shortTtl));
      key.end().run();
      assertRefusedBeforeTheShortTtl(loop.join().getLast(), cachedAt, "after listening again " + i);
    }
  }

  private int status(HarmontServer node, String secret) {
    return probers.computeIfAbsent(Thread.currentThread(), t -> new Prober()).status(node, secret);
  }

  /**
   * GET /api/v0/user over one kept-alive HTTP/1.1 connection, read on the calling thread: the
   * fewest thread hand-offs per probe (the JDK client adds two), so that what is measured is the
   * node, not the client, on a busy 2-core machine. Reconnects when the server closed it.
   */
  private static final class Prober {
    private Socket socket;
    private int port;

    int status(HarmontServer node, String secret) {
      for (int attempt = 0; ; attempt++) {
        try {
          if (socket == null || port != node.port()) {
            close();
            socket = new Socket("127.0.0.1", node.port());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            port = node.port();
          }
          OutputStream out = socket.getOutputStream();
          out.write(
              ("GET "
                      + USER
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      + secret
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          return readResponse(socket.getInputStream());
        } catch (IOException e) {
          close();
          if (attempt >= 1) {
            throw new AssertionError("request failed", e);
          }
        }
      }
    }

    /** The status of one response; its body is read and dropped. */
    private static int readResponse(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      long length = 0;
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).strip());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        }
      }
      if (chunked) {
        for (long size = Long.parseLong(line(in).strip(), 16);
            size > 0;
            size = Long.parseLong(line(in).strip(), 16)) {
          in.readNBytes((int) size);
          line(in);
        }
        line(in);
      } else {
        in.readNBytes((int) length);
      }
      return status;
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("connection closed");
        }
        if (c != '\r') {
          sb.append((char) c);
        }
      }
      return sb.toString();
    }

    void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // Reconnecting anyway.
        }
        socket = null;
      }
    }
  }

  private static ChangeListener listener(HarmontServer node) {
    return node.changeListener().orElseThrow();
  }

  /** Waits until the node's listener has connected more than {@code connectsBefore} times. */
  private static void awaitListening(HarmontServer node, long connectsBefore) {
    long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos();
    while (listener(node).connects() <= connectsBefore || !node.authenticator().cacheListening()) {
      assertThat(System.nanoTime()).as("listening again in time").isLessThan(deadline);
      sleep(Duration.ofMillis(20));
    }
  }

  private int listenerPid(HarmontServer node) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, listener(node).applicationName());
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("the listener's backend").isTrue();
        int pid = rs.getInt(1);
        assertThat(rs.next()).as("one listening connection").isFalse();
        return pid;
      }
    }
  }

  private void terminate(int pid) throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next() && rs.getBoolean(1)).isTrue();
      }
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(
        database.settings().url(), database.settings().user(), database.settings().password());
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
