package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.HarmontServer;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.TestServer;
import dev.harmont.server.testing.TestUser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code harmont admin backup}: an online copy of the embedded database, restored by a server. */
class AdminBackupTest {
  private static final int WRITERS = 4;

  @TempDir Path backups;

  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Cli.create(new PrintWriter(out), new PrintWriter(err), env).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** A key the server answered 201 for, and when the answer arrived. */
  private record Acked(String secret, long atNanos) {}

  @Test
  void aBackupTakenUnderLoadHoldsEveryAcknowledgedKeyAndRestoresOnASecondServer(
      @TempDir Path restored) throws Exception {
    Path copy = backups.resolve("harmont-backup.db");
    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    long started;
    long finished;
    Run backup;
    try (TestServer server =
        TestServer.start(Backend.SQLITE, c -> c.maxLiveKeysPerUser(1_000_000))) {
      TestUser user = server.newUser();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        running.add(
            writers.submit(
                () -> {
                  Api api = new Api(server.baseUri());
                  while (!stop.get()) {
                    Api.Response r =
                        api.post(
                            "/api/v0/user/api-tokens", user.token(), "{\"description\":\"load\"}");
                    assertThat(r.status()).as(r.body()).isEqualTo(201);
                    acked.add(new Acked(r.json().get("token").asText(), System.nanoTime()));
                  }
                  return null;
                }));
      }
      try {
        awaitAcked(acked, 100);
        started = System.nanoTime();
        backup =
            run(
                Map.of("HARMONT_DATA_DIR", server.databaseSettings().dataDir().toString()),
                "admin",
                "backup",
                "--to",
                copy.toString());
        finished = System.nanoTime();
        // Keep writing after the copy, so that it is provably a snapshot and not the live file.
        awaitAcked(acked, acked.size() + 50);
      } finally {
        stop.set(true);
        writers.shutdown();
        assertThat(writers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      for (Future<?> writer : running) {
        writer.get(); // a writer that saw anything but 201 fails the test here
      }
    }

    assertThat(backup.exit()).as(backup.err()).isZero();
    assertThat(backup.out())
        .contains("to              " + copy.toAbsolutePath())
        .contains("users           1")
        .contains("schema version  ")
        .contains("integrity_check ok");
    assertThat(integrityCheck(copy)).isEqualTo("ok");
    assertThat(backups).isDirectoryNotContaining("glob:**/.*partial*");

    List<String> before = new ArrayList<>();
    List<String> after = new ArrayList<>();
    for (Acked a : acked) {
      if (a.atNanos() < started) {
        before.add(a.secret());
      } else if (a.atNanos() > finished) {
        after.add(a.secret());
      }
    }
    assertThat(before).hasSizeGreaterThanOrEqualTo(100);
    assertThat(after).isNotEmpty();

    // Restore: a second server on a data directory holding the copy as harmont.db.
    Files.copy(copy, restored.resolve("harmont.db"));
    try (HarmontServer second =
        HarmontServer.start(
            ServerConfig.builder().port(0).database(DatabaseSettings.embedded(restored)).build())) {
      Api api = new Api(second.baseUri());
      for (String secret : before) {
        assertThat(api.get("/api/v0/user", secret).status())
            .as("a key acknowledged before the backup began")
            .isEqualTo(200);
      }
      // Written after the copy was complete: not in it.
      assertThat(api.get("/api/v0/user", after.get(after.size() - 1)).status()).isEqualTo(401);
    }
  }

  @Test
  void itNeverOverwritesAFile(@TempDir Path dataDir) throws Exception {
    Map<String, String> env = Map.of("HARMONT_DATA_DIR", dataDir.toString());
    assertThat(run(env, "admin", "create-user", "--email", "a@example.org", "--name", "A").exit())
        .isZero();
    Path existing = Files.writeString(backups.resolve("keep.db"), "precious");

    Run result = run(env, "admin", "backup", "--to", existing.toString());

    assertThat(result.exit()).isEqualTo(ExitCodes.API_ERROR);
    assertThat(result.err()).contains("already exists").contains("never overwrites");
    assertThat(result.out()).isEmpty();
    assertThat(Files.readString(existing)).isEqualTo("precious");
    try (var files = Files.list(backups)) {
      assertThat(files).containsExactly(existing);
    }
  }

  @Test
  void withoutADatabaseThereIsNothingToBackUp(@TempDir Path dataDir) {
    Run result =
        run(
            Map.of("HARMONT_DATA_DIR", dataDir.toString()),
            "admin",
            "backup",
            "--to",
            backups.resolve("b.db").toString());

    assertThat(result.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(result.err()).contains("harmont.db").contains("no database here");
    assertThat(backups.resolve("b.db")).doesNotExist();
    assertThat(dataDir.resolve("harmont.db")).doesNotExist();
  }

  @Test
  void postgresqlIsPointedToPgDumpWithoutConnecting() {
    Run result =
        run(
            Map.of(),
            "admin",
            "backup",
            "--to",
            backups.resolve("b.db").toString(),
            "--database-url",
            "jdbc:postgresql://127.0.0.1:1/harmont?user=ops&password=hunter2");

    assertThat(result.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("pg_dump --format=custom").doesNotContain("hunter2");
    assertThat(backups.resolve("b.db")).doesNotExist();
  }

  private static void awaitAcked(ConcurrentLinkedQueue<Acked> acked, int count)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (acked.size() < count) {
      assertThat(System.nanoTime()).as("keys acknowledged: %d", acked.size()).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private static String integrityCheck(Path file) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
