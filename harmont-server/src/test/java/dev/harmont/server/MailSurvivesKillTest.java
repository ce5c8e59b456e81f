package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.harmont.server.mail.OutgoingMail;
import dev.harmont.server.store.Database;
import dev.harmont.server.store.DatabaseSettings;
import dev.harmont.server.store.OutboxForTest;
import dev.harmont.server.store.SealingKeys;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.ServerProcess;
import dev.harmont.server.testing.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A message committed but not sent survives {@code kill -9} of the server (a child process): once
 * SMTP is up and the server runs again, it is delivered. On SQLite the server and the process that
 * queued the message share the key file beside the database; on PostgreSQL both are given one.
 */
class MailSurvivesKillTest {
  @TempDir Path dir;

  @ParameterizedTest
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void aCommittedMessageIsDeliveredAfterAKillAndARestart(Backend backend) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (TestDatabase database = backend.create()) {
      List<String> args = new ArrayList<>(List.of("--smtp-url=smtp://localhost:" + port));
      SealingKeys keys = null;
      if (backend == Backend.POSTGRESQL) {
        Path keyFile = dir.resolve("harmont.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        args.add("--secret-key-file=" + keyFile);
        keys = SealingKeys.load(keyFile);
      }
      DatabaseSettings settings = database.settings();
      try (ServerProcess first = ServerProcess.start(database, args);
          Database db = Database.open(settings)) {
        if (keys != null) {
          db.useSealingKeys(keys);
        }
        // Queued by another process (as an admin command does); SMTP is down, so the server's
        // attempt fails and the message waits in the outbox for its next one.
        OutboxForTest.enqueue(
            db,
            new OutgoingMail("ada@example.org", "Survives", "Open https://h.example/#x", "<p/>"),
            Instant.now());
        while (!OutboxForTest.triedAndReleased(db)) {
          Thread.sleep(50);
        }
        first.kill(); // SIGKILL
      }
      GreenMail greenMail =
          new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
              .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
      greenMail.start();
      try (ServerProcess second = ServerProcess.start(database, args)) {
        assertThat(second.baseUri()).isNotNull();
        assertThat(greenMail.waitForIncomingEmail(60_000, 1)).isTrue();
        assertThat(greenMail.getReceivedMessages()[0].getSubject()).isEqualTo("Survives");
      } finally {
        greenMail.stop();
      }
    }
  }
}
