package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.account.AuthCacheInvalidations;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What the stores send, and how a listener reads it back. */
class ChangeNoticesTest {
  private static final String HASH = "ab".repeat(32);

  /** Records what it is told (the parser's output, for the assertions). */
  private static final class Recorded implements AuthCacheInvalidations {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void forgetTokens(Collection<String> tokenHashes) {
      calls.add("tokens " + tokenHashes);
    }

    @Override
    public void forgetUsers(Collection<UUID> userIds) {
      calls.add("users " + userIds);
    }

    @Override
    public void forgetAll() {
      calls.add("all");
    }

    @Override
    public void caughtUpTo(Instant instant) {
      calls.add("caught up");
    }
  }

  @Test
  void payloadsAreReadBackAndAnythingElseForgetsEverything() {
    UUID user = UUID.randomUUID();
    Recorded cache = new Recorded();

    ChangeNotices.deliver("t " + HASH + " " + HASH.toUpperCase(), cache);
    ChangeNotices.deliver("u " + user, cache);
    ChangeNotices.deliver("u not-a-uuid", cache);
    ChangeNotices.deliver("x something newer", cache);
    ChangeNotices.deliver("", cache);
    ChangeNotices.deliver(null, cache);

    assertThat(cache.calls)
        .containsExactly(
            "tokens [" + HASH + ", " + HASH.toUpperCase() + "]",
            "users [" + user + "]",
            "all",
            "all",
            "all",
            "all");
  }

  @Test
  void channelsAreNamedAfterTheSchemaAndFitPostgresqlsIdentifierLimit() {
    String longSchema = "s".repeat(63);

    assertThat(ChangeNotices.forSchema("harmont").channel()).isEqualTo("harmont_auth:harmont");
    assertThat(ChangeNotices.forSchema(longSchema).channel().getBytes(StandardCharsets.UTF_8))
        .hasSizeLessThanOrEqualTo(63);
    assertThat(ChangeNotices.forSchema(longSchema).channel())
        .isNotEqualTo(ChangeNotices.forSchema("t".repeat(63)).channel());
    assertThat(ChangeNotices.none().channel()).isNull();
  }

  @Test
  @EnabledIfEnvironmentVariable(named = Backend.POSTGRES_URL_VARIABLE, matches = ".+")
  void aNoticeIsDeliveredOnCommitOnlyAndManyTokensNameTheUserUnder8000Bytes() throws Exception {
    try (TestDatabase testDb = Backend.POSTGRESQL.create();
        Database db = Database.open(testDb.settings());
        Connection listening = connect(testDb);
        Connection writing = connect(testDb)) {
      ChangeNotices notices = db.notices();
      try (Statement s = listening.createStatement()) {
        s.execute("LISTEN \"" + notices.channel() + "\"");
      }
      UUID user = UUID.randomUUID();
      List<String> many =
          IntStream.range(0, ChangeNotices.MAX_HASHES)
              .mapToObj(i -> String.format("%064x", i))
              .toList();
      List<String> tooMany =
          IntStream.range(0, ChangeNotices.MAX_HASHES + 1)
              .mapToObj(i -> String.format("%064x", i))
              .toList();

      writing.setAutoCommit(false);
      notices.tokensEnded(writing, user, List.of(HASH));
      writing.rollback();
      notices.tokensEnded(writing, user, many);
      List<String> beforeCommit = payloads(listening);
      writing.commit();
      List<String> afterCommit = payloads(listening);
      notices.tokensEnded(writing, user, tooMany);
      notices.userChanged(writing, user);
      notices.tokensEnded(writing, user, List.of());
      writing.commit();
      List<String> later = payloads(listening);

      assertThat(beforeCommit).isEmpty();
      assertThat(afterCommit).containsExactly("t " + String.join(" ", many));
      assertThat(afterCommit.getFirst().getBytes(StandardCharsets.UTF_8)).hasSizeLessThan(8000);
      // PostgreSQL folds identical notices of one transaction into one.
      assertThat(later).containsExactly("u " + user);
    }
  }

  private static List<String> payloads(Connection listening) throws SQLException {
    List<String> out = new ArrayList<>();
    PGNotification[] got = listening.unwrap(PGConnection.class).getNotifications(300);
    while (got != null && got.length > 0) {
      for (PGNotification n : got) {
        out.add(n.getParameter());
      }
      got = listening.unwrap(PGConnection.class).getNotifications(100);
    }
    return out;
  }

  private static Connection connect(TestDatabase db) throws SQLException {
    return DriverManager.getConnection(
        db.settings().url(), db.settings().user(), db.settings().password());
  }
}
