package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.Pkce;
import dev.harmont.server.account.Secrets;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Api.Response;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * No bearer secret (personal key, session token or sign-in link code; live, spent, revoked or made
 * up) ever appears in a log record at the most verbose level (ours, Helidon's, HikariCP's,
 * Flyway's), in an answer other than the one-time create response, or in any column of the
 * database, where only hashes belong (and answers kept for Idempotency-Key replays, sealed). The
 * access log holds method, path, status, latency and request id, and nothing else.
 */
class SecretsNeverLeakTest {
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final String REDEEM = "/api/v0/auth/sign-in-links/redeem";
  // "GET /api/v0/user 200 1.234ms request_id=req_…": no query, no header, nothing else.
  private static final String ACCESS_LINE =
      "[A-Z]+ /[^ ?]* \\d{3} \\d+\\.\\d{3}ms request_id=[A-Za-z0-9][A-Za-z0-9._:-]*";

  private final Capture capture = new Capture();
  private final Map<Logger, Level> savedLevels = new HashMap<>();
  private final Map<Handler, Level> savedHandlerLevels = new HashMap<>();
  private final List<Logger> pinned = new ArrayList<>();

  /** Every record, whatever its level or logger. */
  private static final class Capture extends Handler {
    final Queue<LogRecord> records = new ConcurrentLinkedQueue<>();

    Capture() {
      setLevel(Level.ALL);
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @BeforeEach
  void logEverything() {
    Logger root = Logger.getLogger("");
    for (String name :
        List.of(
            "", "dev.harmont", "io.helidon", "com.zaxxer.hikari", "org.flywaydb", "org.sqlite")) {
      Logger logger = Logger.getLogger(name);
      pinned.add(logger); // JUL holds loggers weakly; the levels must stay until the test ends
      savedLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.ALL);
    }
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      Logger logger = LogManager.getLogManager().getLogger(name);
      if (logger != null && logger.getLevel() != null && !savedLevels.containsKey(logger)) {
        savedLevels.put(logger, logger.getLevel());
        logger.setLevel(Level.ALL);
      }
    }
    for (Handler handler : root.getHandlers()) {
      savedHandlerLevels.put(handler, handler.getLevel());
      handler.setLevel(Level.ALL);
    }
    root.addHandler(capture);
  }

  @AfterEach
  void restoreLogging() {
    Logger.getLogger("").removeHandler(capture);
    savedHandlerLevels.forEach(Handler::setLevel);
    savedLevels.forEach(Logger::setLevel);
    pinned.clear();
  }

  @Test
  void noSecretReachesLogsAnswersOrTheDatabase() throws Exception {
    List<String> secrets = new ArrayList<>();
    List<Response> answers = new ArrayList<>();
    List<String> columns;
    String pendingHash;
    String idempotencyKey;
    try (TestServer server = TestServer.start()) {
      Api api = new Api(server.baseUri());
      TestUser ada = server.newUser();
      TestUser bob = server.newUser();
      String adaSecondKey = server.issueKey(ada);
      String adaSession = server.issueSessionToken(ada);
      String bobSession = server.issueSessionToken(bob);
      secrets.addAll(List.of(ada.token(), bob.token(), adaSecondKey, adaSession, bobSession));
      List<String> madeUp =
          List.of(
              "hm_" + "A".repeat(43),
              "hm_madeUpButPlausibleSecretValue0123456789abcd",
              "sessionLookingValue0123456789abcdefghijklmnopq");
      secrets.addAll(madeUp);

      answers.add(api.get("/api/v0/user", ada.token()));
      answers.add(api.patch("/api/v0/user", ada.token(), "{\"name\":\"Ada L.\"}"));
      answers.add(api.patch("/api/v0/user", ada.token(), "{\"name\":\"\"}"));
      answers.add(api.patch("/api/v0/user", ada.token(), "{\"name\":"));
      answers.add(api.get(TOKENS, ada.token()));
      // With an Idempotency-Key, and retried: the answer holding the secret is stored for the
      // replay, sealed; the key itself is stored as a hash only.
      idempotencyKey = "idem-" + java.util.UUID.randomUUID();
      secrets.add(idempotencyKey);
      Response created =
          api.send(
              withKey(api.request(TOKENS), ada.token(), idempotencyKey)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"description\":\"ci\"}")));
      assertThat(created.status()).isEqualTo(201);
      Response replayed =
          api.send(
              withKey(api.request(TOKENS), ada.token(), idempotencyKey)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"description\":\"ci\"}")));
      assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(replayed.body()).isEqualTo(created.body());
      String createdKey = created.json().get("token").asText();
      String createdId = created.json().at("/api_token/id").asText();
      secrets.add(createdKey);
      answers.add(api.get("/api/v0/user", createdKey));
      answers.add(api.post(TOKENS, ada.token(), "{\"expires_at\":\"yesterday\"}"));
      answers.add(api.post(TOKENS, ada.token(), "{\"description\":" + "1" + "}"));
      answers.add(api.delete(TOKENS + "/" + createdId, ada.token()));
      answers.add(api.get("/api/v0/user", createdKey)); // revoked: 401
      answers.add(api.delete(TOKENS + "/" + createdId, ada.token())); // 404
      answers.add(api.delete(TOKENS + "/not-an-id", bob.token()));
      // A CLI signing in through the browser: the one-time code and the PKCE verifier are
      // secrets too (the key the exchange returns is checked like every created key).
      String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
      Response grant =
          api.post(
              "/api/v0/auth/cli-grants",
              adaSession,
              "{\"code_challenge\":\""
                  + Pkce.s256(verifier)
                  + "\",\"code_challenge_method\":\"S256\",\"client_name\":\"harmont CLI\"}");
      String grantCode = grant.json().get("code").asText();
      answers.add(
          api.post(
              "/api/v0/auth/cli-grants/exchange",
              null,
              "{\"code\":\""
                  + grantCode
                  + "\",\"code_verifier\":\""
                  + verifier.replace('d', 'e')
                  + "\"}"));
      Response exchanged =
          api.post(
              "/api/v0/auth/cli-grants/exchange",
              null,
              "{\"code\":\"" + grantCode + "\",\"code_verifier\":\"" + verifier + "\"}");
      assertThat(exchanged.status()).isEqualTo(201);
      secrets.add(exchanged.json().get("token").asText());
      answers.add(
          api.post(
              "/api/v0/auth/cli-grants/exchange",
              null,
              "{\"code\":\"" + grantCode + "\",\"code_verifier\":\"" + verifier + "\"}"));
      secrets.add(grantCode);
      secrets.add(verifier);
      answers.add(api.get("/api/v0/user", adaSession));
      String logoutKey = "idem-" + java.util.UUID.randomUUID();
      secrets.add(logoutKey);
      for (int attempt = 0; attempt < 2; attempt++) {
        answers.add(
            api.send(
                withKey(api.request("/api/v0/auth/logout"), adaSession, logoutKey)
                    .POST(HttpRequest.BodyPublishers.noBody())));
      }
      answers.add(api.get("/api/v0/user", adaSession)); // logged out: 401
      for (String wrong : madeUp) {
        answers.add(api.get("/api/v0/user", wrong));
        answers.add(api.get(TOKENS, wrong));
      }
      answers.add(
          api.send(api.request("/api/v0/user").header("Authorization", "Basic " + ada.token())));
      answers.add(api.send(api.request("/api/v0/user").header("Authorization", ada.token())));
      answers.add(
          api.send(
              api.request("/api/v0/user")
                  .header("Authorization", "Bearer " + ada.token() + " " + bob.token())));
      // Credentials in the query string are not ours to read, but must not be logged either.
      answers.add(api.get("/api/v0/user?access_token=" + ada.token(), ada.token()));
      answers.add(api.get("/api/v0/nowhere?token=" + bob.token(), bob.token()));
      answers.add(api.send("PUT", "/api/v0/user", ada.token(), "{}"));
      answers.add(api.delete("/api/v0/user", bobSession));
      answers.add(api.get("/api/v0/user", bob.token())); // account gone: 401
      answers.add(api.get("/readyz", null));
      // The web console's sign-in: a session from a key, a link redeemed, one left pending, and
      // guessed codes. The 201s carry a session secret by design and are not scanned.
      TestUser cy = server.newUser();
      Response session = api.post("/api/v0/auth/sessions", cy.token(), null);
      assertThat(session.status()).isEqualTo(201);
      secrets.add(session.json().get("token").asText());
      String redeemedCode = server.issueSignInLink(cy);
      String pendingCode = server.issueSignInLink(cy);
      secrets.addAll(List.of(redeemedCode, pendingCode));
      String redeemKey = "idem-" + java.util.UUID.randomUUID();
      secrets.add(redeemKey);
      Response redeemed =
          api.send(
              withKey(api.request(REDEEM), null, redeemKey)
                  .POST(
                      HttpRequest.BodyPublishers.ofString("{\"code\":\"" + redeemedCode + "\"}")));
      assertThat(redeemed.status()).isEqualTo(201);
      secrets.add(redeemed.json().get("token").asText());
      answers.add(api.post(REDEEM, null, "{\"code\":\"" + redeemedCode + "\"}")); // spent: 400
      answers.add(api.post(REDEEM, null, "{\"code\":\"" + madeUp.get(2) + "\"}"));
      answers.add(api.get("/api/v0/user", session.json().get("token").asText()));
      pendingHash = Secrets.hash(pendingCode);
      // Read while the server still runs: the temporary database goes when it stops.
      columns = textColumns(server.databaseSettings().dataDir().resolve("harmont.db"));
    }

    for (Response answer : answers) {
      String whole = answer.headers() + "\n" + answer.body();
      assertThat(containsAny(whole, secrets)).as("answer %s", whole).isNull();
    }
    // The access log is written by a background thread: wait until every answer has its line.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (accessRecords(capture).size() < answers.size() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(capture.records).isNotEmpty();
    for (LogRecord record : List.copyOf(capture.records)) {
      String text = render(record);
      assertThat(containsAny(text, secrets))
          .as("log record from %s: %s", record.getLoggerName(), text)
          .isNull();
    }
    List<String> accessLines =
        accessRecords(capture).stream().map(r -> new SimpleFormatter().formatMessage(r)).toList();
    assertThat(accessLines).hasSizeGreaterThanOrEqualTo(answers.size());
    assertThat(accessLines).allSatisfy(line -> assertThat(line).matches(ACCESS_LINE));
    assertThat(accessLines).anySatisfy(line -> assertThat(line).startsWith("GET /api/v0/user 200"));

    for (String value : columns) {
      assertThat(containsAny(value, secrets)).as("stored value %s", value).isNull();
    }
    assertThat(columns)
        .as("the scan sees the stored hashes")
        .contains(
            Secrets.hash(secrets.get(0)),
            Secrets.hash(secrets.get(2)),
            pendingHash,
            Secrets.hash(idempotencyKey));
  }

  /** A request with JSON, a bearer (if any) and an Idempotency-Key. */
  private static HttpRequest.Builder withKey(
      HttpRequest.Builder request, String token, String key) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.header("Content-Type", "application/json").header("Idempotency-Key", key);
  }

  /** Everything a record carries that a handler or formatter could print. */
  private static String render(LogRecord record) {
    StringBuilder out = new StringBuilder();
    out.append(record.getMessage()).append('\n');
    out.append(new SimpleFormatter().formatMessage(record)).append('\n');
    if (record.getParameters() != null) {
      for (Object parameter : record.getParameters()) {
        out.append(parameter).append('\n');
      }
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      out.append(trace);
    }
    return out.toString();
  }

  /** The first secret found in {@code text}, or null. */
  private static String containsAny(String text, List<String> secrets) {
    return secrets.stream().filter(text::contains).findFirst().orElse(null);
  }

  /** Every non-null value of every column of every table, read as text with plain JDBC. */
  private static List<String> textColumns(Path databaseFile) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + databaseFile);
        Statement tables = c.createStatement();
        ResultSet names =
            tables.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      List<String> tableNames = new ArrayList<>();
      while (names.next()) {
        tableNames.add(names.getString(1));
      }
      assertThat(tableNames).contains("users", "api_tokens", "cli_grants", "idempotency_records");
      for (String table : tableNames) {
        try (Statement s = c.createStatement();
            ResultSet rows = s.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int count = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            for (int i = 1; i <= count; i++) {
              Object value = rows.getObject(i);
              if (value instanceof byte[] bytes) {
                values.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
              } else if (value != null) {
                values.add(value.toString());
              }
            }
          }
        }
      }
    }
    return values;
  }

  private static List<LogRecord> accessRecords(Capture capture) {
    return List.copyOf(capture.records).stream()
        .filter(r -> "dev.harmont.access".equals(r.getLoggerName()))
        .toList();
  }
}
