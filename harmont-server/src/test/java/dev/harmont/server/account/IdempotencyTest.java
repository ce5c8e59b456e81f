package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.account.Idempotency.Answer;
import dev.harmont.server.account.Idempotency.Attempt;
import dev.harmont.server.store.Database;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.MutableClock;
import dev.harmont.server.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/** The rules of Idempotency-Key on a real database with a fixed clock. */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.harmont.server.testing.Backend#all")
class IdempotencyTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final byte[] CREDENTIAL = "hm_credential".getBytes(StandardCharsets.UTF_8);
  private static final byte[] BODY = "{\"description\":\"x\"}".getBytes(StandardCharsets.UTF_8);
  private static final Answer CREATED =
      new Answer(
          201,
          "application/json",
          "req_1",
          "{\"token\":\"hm_the_one_time_secret\"}".getBytes(StandardCharsets.UTF_8));

  @Parameter Backend backend;

  private TestDatabase testDatabase;
  private Database database;
  private MutableClock clock;
  private Idempotency idempotency;
  private UUID userId;

  @BeforeEach
  void open() {
    testDatabase = backend.create();
    database = Database.open(testDatabase.settings());
    clock = new MutableClock(T0);
    Accounts accounts = Accounts.open(database, AccountSettings.DEFAULTS, clock);
    idempotency = accounts.idempotency();
    userId = accounts.service().createUser("ada@example.org", "Ada").user().id();
  }

  @AfterEach
  void close() {
    database.close();
    testDatabase.close();
  }

  private Attempt attempt(String key) {
    return idempotency.attempt(CREDENTIAL, key, "POST", "/api/v0/user/api-tokens", BODY);
  }

  @Test
  void aCompletedAnswerIsReplayedAsItWas() {
    Attempt attempt = attempt("k1");
    assertThat(idempotency.lookUp(attempt)).isEmpty();
    assertThat(idempotency.reserve(attempt, userId)).isEmpty();

    idempotency.complete(attempt, CREATED);

    Answer replay = idempotency.lookUp(attempt("k1")).orElseThrow();
    assertThat(replay.status()).isEqualTo(201);
    assertThat(replay.contentType()).isEqualTo("application/json");
    assertThat(replay.requestId()).isEqualTo("req_1");
    assertThat(replay.body()).isEqualTo(CREATED.body());
    assertThat(idempotency.reserve(attempt("k1"), userId))
        .hasValueSatisfying(again -> assertThat(again.body()).isEqualTo(CREATED.body()));
  }

  @Test
  void aKeyHeldByAnotherRequestIsReusedAndOneStillRunningIsInUse() {
    Attempt attempt = attempt("k1");
    idempotency.reserve(attempt, userId);
    Attempt otherBody =
        idempotency.attempt(
            CREDENTIAL,
            "k1",
            "POST",
            "/api/v0/user/api-tokens",
            "{}".getBytes(StandardCharsets.UTF_8));

    assertCode(() -> idempotency.lookUp(attempt("k1")), ErrorCode.IDEMPOTENCY_KEY_IN_USE);
    assertCode(() -> idempotency.reserve(attempt("k1"), userId), ErrorCode.IDEMPOTENCY_KEY_IN_USE);
    assertCode(() -> idempotency.lookUp(otherBody), ErrorCode.IDEMPOTENCY_KEY_REUSED);
    idempotency.complete(attempt, CREATED);
    assertCode(() -> idempotency.reserve(otherBody, userId), ErrorCode.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void theSameKeyUnderAnotherCredentialIsAnotherRecord() {
    idempotency.reserve(attempt("k1"), userId);
    idempotency.complete(attempt("k1"), CREATED);

    Attempt other =
        idempotency.attempt(
            "hm_other".getBytes(StandardCharsets.UTF_8),
            "k1",
            "POST",
            "/api/v0/user/api-tokens",
            BODY);

    assertThat(idempotency.lookUp(other)).isEmpty();
    assertThat(idempotency.reserve(other, userId)).isEmpty();
  }

  @Test
  void failuresAndAnswersThatSayNothingRanReleaseTheKey() {
    for (int status : new int[] {500, 503, 401, 429}) {
      Attempt attempt = attempt("k-" + status);
      idempotency.reserve(attempt, userId);

      idempotency.complete(attempt, new Answer(status, "application/json", "r", new byte[0]));

      assertThat(idempotency.lookUp(attempt)).as("status %d", status).isEmpty();
      assertThat(idempotency.reserve(attempt, userId)).as("status %d", status).isEmpty();
    }
    Attempt released = attempt("released");
    idempotency.reserve(released, userId);
    idempotency.release(released);
    assertThat(idempotency.reserve(released, userId)).isEmpty();
  }

  @Test
  void aRecordLastsADay() {
    Attempt attempt = attempt("k1");
    idempotency.reserve(attempt, userId);
    idempotency.complete(attempt, CREATED);

    clock.advance(Idempotency.RETENTION.minusSeconds(1));
    assertThat(idempotency.lookUp(attempt)).isPresent();
    assertThat(idempotency.deleteExpired()).isZero();
    clock.advance(Duration.ofSeconds(1));
    assertThat(idempotency.lookUp(attempt)).isEmpty();
    assertThat(idempotency.deleteExpired()).isEqualTo(1);
    assertThat(idempotency.reserve(attempt, userId)).isEmpty();
  }

  @Test
  void anExpiredRecordNotYetPrunedNoLongerHoldsItsKey() {
    Attempt attempt = attempt("k1");
    idempotency.reserve(attempt, userId);
    idempotency.complete(attempt, CREATED);

    clock.advance(Idempotency.RETENTION);

    assertThat(idempotency.reserve(attempt, userId)).isEmpty();
  }

  @Test
  void aPendingRecordIsTakenOverOnlyOnceAbandoned() {
    Attempt attempt = attempt("k1");
    idempotency.reserve(attempt, userId);

    clock.advance(Idempotency.ABANDONED_AFTER);
    assertCode(() -> idempotency.reserve(attempt("k1"), userId), ErrorCode.IDEMPOTENCY_KEY_IN_USE);
    clock.advance(Duration.ofMillis(1));
    assertThat(idempotency.reserve(attempt("k1"), userId)).isEmpty();
  }

  @Test
  void theBodyIsStoredSealedAndAnAlteredRecordDoesNotOpen() throws SQLException {
    Attempt attempt = attempt("k1");
    idempotency.reserve(attempt, userId);
    idempotency.complete(attempt, CREATED);

    try (Connection c = connect();
        Statement s = c.createStatement()) {
      try (var rows = s.executeQuery("SELECT body_sealed, body_nonce FROM idempotency_records")) {
        rows.next();
        assertThat(new String(rows.getBytes(1), StandardCharsets.ISO_8859_1))
            .doesNotContain("hm_the_one_time_secret");
        assertThat(rows.getBytes(2)).hasSize(12);
      }
      s.executeUpdate("UPDATE idempotency_records SET status = 200");
    }

    assertThatThrownBy(() -> idempotency.lookUp(attempt("k1")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRecordOfADeletedUserCannotBeMade() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM users");
    }

    assertCode(() -> idempotency.reserve(attempt("k1"), userId), ErrorCode.UNAUTHORIZED);
  }

  @Test
  void keysAreOneTo255VisibleAsciiCharacters() {
    Idempotency.checkKey("a");
    Idempotency.checkKey("!~" + "x".repeat(253));
    for (String bad : new String[] {"", " ", "a b", "x".repeat(256), "tab\t", "clé", "\u007f"}) {
      assertCode(() -> Idempotency.checkKey(bad), ErrorCode.IDEMPOTENCY_KEY_INVALID);
    }
    assertCode(() -> Idempotency.checkKey(null), ErrorCode.IDEMPOTENCY_KEY_INVALID);
  }

  private Connection connect() throws SQLException {
    var settings = testDatabase.settings();
    return DriverManager.getConnection(settings.jdbcUrl(), settings.user(), settings.password());
  }

  private static void assertCode(Runnable call, ErrorCode code) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(HarmontException.class, e -> assertThat(e.code()).isEqualTo(code));
  }
}
