package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestDatabase;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guards that let a restart skip Flyway when the schema is current ({@link
 * Database#SCHEMA_VERSION}): the constant names the newest migration, and a migration that may
 * already be applied somewhere is never edited (add a new one instead).
 */
class MigrationsTest {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

  // SHA-256 of every released migration. Editing one changes databases that already ran it in
  // no way at all: write the change as the next version instead, and add its line here.
  private static final Map<String, String> RELEASED =
      Map.ofEntries(
          Map.entry(
              "postgresql/V1__accounts.sql",
              "086a3b07f97939f310c61df95badd257538ff7087ade96594172cb96e6ce0cac"),
          Map.entry(
              "sqlite/V1__accounts.sql",
              "6cc70f1e229f047b64af025e083a37a1d31adaf59b729541a63a4715a03fa216"),
          Map.entry(
              "postgresql/V2__sign_in_links.sql",
              "ab44b2a15552b6dc01c040fb7859e62151d3f9cfd7777c34d2b960902ad28427"),
          Map.entry(
              "sqlite/V2__sign_in_links.sql",
              "772a5b70b07e1b797d8b74555f4efdfaf51bcf01b5f6af6a36fe0fbd3b2258ff"),
          Map.entry(
              "postgresql/V3__cli_grants.sql",
              "860d4daa2435f3c85087c18b93ece90a3e4cd6e1eded71eacd47f02fd29b6190"),
          Map.entry(
              "sqlite/V3__cli_grants.sql",
              "11796701339dd3668f2bf382e8014c04f94e64c83647628a810eabd724d961de"),
          Map.entry(
              "postgresql/V4__key_lifecycle.sql",
              "2d8c0d38320501569d54b4958b08eeae2d2c43783eef6e04627bb49b9129dc04"),
          Map.entry(
              "sqlite/V4__key_lifecycle.sql",
              "dc120fb8105d5e8fe9c8bda1fd0985cb23662c227860fd0c2146cfefdf4505e4"),
          Map.entry(
              "postgresql/V5__security_events.sql",
              "7695296fce2f5264ccac59e0ed12fa8b897fbbdecf89ea2fc57188719f73bfef"),
          Map.entry(
              "sqlite/V5__security_events.sql",
              "408191512cb1c6aa7aa2fb720479b84de5f0457222d832cfb33ad8938a9360fb"),
          Map.entry(
              "postgresql/V6__idempotency.sql",
              "a553f02bf469f6f227423f668b711cab75c5b9edd72bd795e7fe2a2d27d4665f"),
          Map.entry(
              "sqlite/V6__idempotency.sql",
              "877b17f6721eea5d1f3445c2bdb3df30d6d4829424a9fe5702f62119d860726f"),
          Map.entry(
              "postgresql/V7__passkeys.sql",
              "aa03ccebecf0b36cb081821a1e678720efcb17269ee8a44f11c80a04b3b78919"),
          Map.entry(
              "sqlite/V7__passkeys.sql",
              "5536580312a6af3606799f98a2b5b7f58588eefda773cd05ecdccc52f6a62f01"),
          Map.entry(
              "postgresql/V8__cli_grant_issued_key.sql",
              "1309a447ffb3b70e0cf0362b6baa9d5ce4afe626c9d71ae5f8f865af7826a6fb"),
          Map.entry(
              "sqlite/V8__cli_grant_issued_key.sql",
              "04a75f51c1e1596f247a49b67b69bfd5e472d3d0e62b5d4ce86676804c17e718"),
          Map.entry(
              "postgresql/V9__mail_outbox.sql",
              "5b1fc118a012fcedc85de12fd702d3ce2f638c951ef58e949fbe3bc1bb18fbc7"),
          Map.entry(
              "sqlite/V9__mail_outbox.sql",
              "137c20637d9616ffcf9c3cf06c4d34c38a4883f9a3065f3690a6ee9fb6a30567"),
          Map.entry(
              "postgresql/V10__email_links.sql",
              "babf1e4923cfede6b255ebde6c51be785c23169df0e3680ae3205a0d4ff862d8"),
          Map.entry(
              "sqlite/V10__email_links.sql",
              "8f3ff8e6fcf2bb472f1daf30f3e1685d696955454d41f155c8ae47868fe579f2"),
          Map.entry(
              "postgresql/V12__service_credentials.sql",
              "c78be9ef07771929ee9f10d9e2ef933b004c7235dc3ef4af4d10cc046f8da28a"),
          Map.entry(
              "sqlite/V12__service_credentials.sql",
              "abb8e7e5e37b94c0cde47e4a98149e26826532fc6deacc4135589945dbaf8f4b"),
          Map.entry(
              "postgresql/V11__sso.sql",
              "febd3db796be3e3c88f2a9ec5ab45358427318a634e9dbda9532da7ba3108d70"),
          Map.entry(
              "sqlite/V11__sso.sql",
              "cddac1cd6cee6c4a13e010c34eef7f619624b9eb95d7a07473c147f33144c5c2"));

  @Test
  void schemaVersionIsTheNewestMigrationOfEveryDatabase() throws Exception {
    for (String vendor : List.of("sqlite", "postgresql")) {
      int newest =
          migrations(vendor).keySet().stream().mapToInt(Integer::intValue).max().orElseThrow();
      assertThat(Integer.toString(newest)).as(vendor).isEqualTo(Database.SCHEMA_VERSION);
    }
  }

  @Test
  void releasedMigrationsAreNeverEdited() throws Exception {
    Map<String, String> actual = new TreeMap<>();
    for (String vendor : List.of("sqlite", "postgresql")) {
      for (Path file : migrations(vendor).values()) {
        actual.put(vendor + "/" + file.getFileName(), sha256(file));
      }
    }
    assertThat(actual).containsExactlyInAnyOrderEntriesOf(RELEASED);
  }

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aReopenedDatabaseOpensAndOneWithoutHistoryIsMigratedAgain(Backend backend) throws Exception {
    try (TestDatabase database = backend.create()) {
      try (Database db = Database.open(database.settings())) {
        assertThat(db.users().hasAnyUser()).isFalse();
      }
      // Current: opening again (without Flyway) finds the schema as it was.
      try (Database db = Database.open(database.settings())) {
        assertThat(historyRows(db)).isEqualTo(migrations(vendor(backend)).size());
        // A history that does not end at this build's version is Flyway's to handle: here the
        // schema is dropped, as if the first migration had never run.
        try (Connection c = db.writes().getConnection();
            Statement s = c.createStatement()) {
          s.execute("DROP TABLE mail_outbox");
          s.execute("DROP TABLE email_links");
          s.execute("DROP TABLE email_requests");
          s.execute("DROP TABLE service_credentials");
          s.execute("DROP TABLE sso_results");
          s.execute("DROP TABLE sso_states");
          s.execute("DROP TABLE sso_identities");
          s.execute("DROP TABLE idempotency_records");
          s.execute("DROP TABLE passkey_challenges");
          s.execute("DROP TABLE passkeys");
          s.execute("DROP TABLE security_events");
          s.execute("DROP TABLE cli_grants");
          s.execute("DROP TABLE sign_in_links");
          s.execute("DROP TABLE api_tokens");
          s.execute("DROP TABLE users");
          s.execute("DROP TABLE organizations");
          s.execute("DROP TABLE flyway_schema_history");
        }
      }
      try (Database db = Database.open(database.settings())) {
        assertThat(historyRows(db)).isEqualTo(migrations(vendor(backend)).size());
        assertThat(db.users().hasAnyUser()).isFalse();
      }
    }
  }

  /** The migration folder of a backend; its versions need not be contiguous (V3 may come later). */
  private static String vendor(Backend backend) {
    return backend.name().toLowerCase(java.util.Locale.ROOT);
  }

  private static long historyRows(Database db) throws SQLException {
    try (Connection c = db.writes().getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Map<Integer, Path> migrations(String vendor)
      throws IOException, URISyntaxException {
    Path dir =
        Path.of(MigrationsTest.class.getResource("/db/migration/" + vendor).toURI())
            .toAbsolutePath();
    Map<Integer, Path> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Matcher m = VERSIONED.matcher(file.getFileName().toString());
        if (m.matches()) {
          out.put(Integer.parseInt(m.group(1)), file);
        }
      }
    }
    assertThat(out).as("migrations in " + dir).isNotEmpty();
    return out;
  }

  private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
