package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.admin.Admin;
import dev.harmont.server.testing.Api;
import dev.harmont.server.testing.Backend;
import dev.harmont.server.testing.ServerProcess;
import dev.harmont.server.testing.TestDatabase;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the server acknowledged survives a kill -9 in the middle of concurrent writes: every key
 * answered 201 authenticates after the restart, and every key answered 204 to its revocation stays
 * revoked. Requests in flight at the kill may land either way; they are not judged. The check runs
 * with the default limits, from one address: hundreds of revoked keys first (401, then 429 past the
 * failure limit), then every surviving key, which the failures must not lock out.
 */
class CrashSafetyTest {
  private static final int CLIENTS = 4;
  private static final int ACKNOWLEDGED_BEFORE_KILL = 700;
  private static final int MIN_REVOKED = 200;
  private static final String TOKENS = "/api/v0/user/api-tokens";

  /** A key the server acknowledged creating: its id and its one-time secret. */
  private record Key(String id, String secret) {}

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.harmont.server.testing.Backend#all")
  void acknowledgedCreationsAndRevocationsSurviveKill9MidWorkload(Backend backend)
      throws Exception {
    try (TestDatabase database = backend.create()) {
      List<String> owners = new ArrayList<>();
      try (Admin admin = Admin.open(database.settings())) {
        for (int i = 0; i < CLIENTS; i++) {
          owners.add(admin.createUser("crash" + i + "@example.org", "Crash " + i).key().secret());
        }
      }
      Map<Key, String> created = new ConcurrentHashMap<>(); // key → its owner's bootstrap secret
      Set<Key> revoked = ConcurrentHashMap.newKeySet();
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicBoolean killed = new AtomicBoolean();

      ServerProcess first = ServerProcess.start(database);
      List<Thread> clients = new ArrayList<>();
      try {
        URI base = first.baseUri();
        for (String owner : owners) {
          clients.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        try {
                          workload(new Api(base), owner, created, revoked, acknowledged);
                        } catch (Throwable t) {
                          if (!killed.get()) {
                            failures.add(t); // only the kill may stop a client
                          }
                        }
                      }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (acknowledged.get() < ACKNOWLEDGED_BEFORE_KILL && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
      } finally {
        killed.set(true);
        first.kill(); // SIGKILL while the clients are still writing
      }
      for (Thread client : clients) {
        client.join(TimeUnit.SECONDS.toMillis(60));
      }
      assertThat(failures).isEmpty();
      assertThat(acknowledged.get()).isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_KILL);
      assertThat(revoked).hasSizeGreaterThanOrEqualTo(MIN_REVOKED);

      try (ServerProcess second = ServerProcess.start(database)) {
        Api api = new Api(second.baseUri());
        List<String> refused = new ArrayList<>();
        List<String> live = new ArrayList<>();
        for (Map.Entry<Key, String> entry : created.entrySet()) {
          Key key = entry.getKey();
          List<String> listed = ids(api.get(TOKENS, entry.getValue()));
          if (revoked.contains(key)) {
            assertThat(listed).doesNotContain(key.id());
            refused.add(key.secret());
          } else {
            assertThat(listed).contains(key.id());
            live.add(key.secret());
          }
        }
        ServerProcess.assertRefusedThenLiveStillServed(api, refused, live);
      }
    }
  }

  /**
   * One client: creates keys and revokes about as many as it creates, recording only what the
   * server acknowledged, until the server dies under it.
   */
  private static void workload(
      Api api,
      String owner,
      Map<Key, String> created,
      Set<Key> revoked,
      AtomicInteger acknowledged) {
    List<Key> live = new ArrayList<>();
    while (true) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      if (!live.isEmpty() && random.nextBoolean()) {
        Key victim = live.remove(random.nextInt(live.size()));
        // Until the 204 arrives the revocation may land either way: the key is no longer judged.
        created.remove(victim);
        Api.Response response = api.delete(TOKENS + "/" + victim.id(), owner);
        assertThat(response.status()).isEqualTo(204);
        created.put(victim, owner);
        revoked.add(victim);
      } else {
        Api.Response response = api.post(TOKENS, owner, "{\"description\":\"crash test\"}");
        assertThat(response.status()).isEqualTo(201);
        Key key =
            new Key(
                response.json().at("/api_token/id").asText(),
                response.json().get("token").asText());
        created.put(key, owner);
        live.add(key);
      }
      acknowledged.incrementAndGet();
    }
  }

  private static List<String> ids(Api.Response list) {
    assertThat(list.status()).isEqualTo(200);
    return StreamSupport.stream(list.json().get("api_tokens").spliterator(), false)
        .map(t -> t.get("id").asText())
        .toList();
  }
}
