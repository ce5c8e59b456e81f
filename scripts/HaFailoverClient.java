import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of scripts/ha-failover.sh (run with the source launcher, Jackson from the harmont
 * build on the class path). Several clients create and revoke keys through the load balancer; at a
 * fixed moment it runs the kill command (the primary's postgres and keeper); it keeps going until
 * writes have worked again for a while, then checks every key against every node directly: each
 * acknowledged (201) key that was not revoked must authenticate, each revoked (204) key must not.
 * Prints the report and exits 1 when a target is missed.
 *
 * <p>Arguments: balancer URL, owner key, comma-separated node URLs, kill command, and optionally
 * clients, seconds before the kill, seconds after recovery, recovery target in seconds, and the
 * longest the whole failover may take before giving up.
 */
public final class HaFailoverClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKENS = "/api/v0/user/api-tokens";
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  // Each client waits this long after an answer: bounded traffic on a small shared machine.
  private static final long PAUSE_MS = 20;

  private record Key(String id, String secret) {}

  /** One answer: when it was asked (ms since start), what, and what came back. */
  private record Answer(long startMs, long endMs, String op, int status, String code) {
    boolean succeeded() {
      return status == 201 || status == 204 || (status == 404 && op.equals("revoke again"));
    }

    String label() {
      return status < 0 ? "no answer (" + code + ")" : status + (code == null ? "" : " " + code);
    }
  }

  private final URI balancer;
  private final String owner;
  private final List<URI> nodes;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final long t0 = System.nanoTime();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicLong killedAtMs = new AtomicLong(-1);
  private final AtomicLong verificationRetries = new AtomicLong();
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  // Acknowledged keys: created (201) and, of those, revoked (204).
  private final Map<String, Key> acknowledged = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  // Keys whose revocation was asked but not answered 204 (yet): either outcome is correct.
  private final Set<String> uncertain = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> acknowledgedAtMs = new ConcurrentHashMap<>();

  private HaFailoverClient(URI balancer, String owner, List<URI> nodes) {
    this.balancer = balancer;
    this.owner = owner;
    this.nodes = nodes;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: HaFailoverClient BALANCER_URL OWNER_KEY NODE_URL,NODE_URL KILL_COMMAND"
              + " [CLIENTS BEFORE_S AFTER_S TARGET_S GIVE_UP_S]");
      System.exit(2);
    }
    List<URI> nodes = new ArrayList<>();
    for (String n : args[2].split(",")) {
      nodes.add(URI.create(n));
    }
    int clients = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    int before = args.length > 5 ? Integer.parseInt(args[5]) : 8;
    int after = args.length > 6 ? Integer.parseInt(args[6]) : 8;
    int target = args.length > 7 ? Integer.parseInt(args[7]) : 15;
    int giveUp = args.length > 8 ? Integer.parseInt(args[8]) : 60;
    boolean met =
        new HaFailoverClient(URI.create(args[0]), args[1], nodes)
            .run(args[3], clients, before, after, target, giveUp);
    System.exit(met ? 0 : 1);
  }

  private long nowMs() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private boolean run(String kill, int clients, int before, int after, int target, int giveUp)
      throws Exception {
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      int client = i;
      running.add(pool.submit(() -> client(client)));
    }
    Thread.sleep(before * 1000L);
    // The kill command prints the epoch milliseconds of its kill as its last line: starting a
    // shell on a loaded machine can take a second, and that second is not part of the failover.
    Process p =
        new ProcessBuilder("bash", "-c", kill)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.waitFor() != 0 || out.isEmpty()) {
      throw new IllegalStateException("the kill command failed: " + out);
    }
    long epochMs = Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).strip());
    long killAt = nowMs() - (System.currentTimeMillis() - epochMs);
    killedAtMs.set(killAt);
    // Run until writes have worked again for `after` seconds, or give up.
    long deadline = killAt + giveUp * 1000L;
    while (nowMs() < deadline) {
      Long back = writesBackAtMs();
      if (back != null && nowMs() >= back + after * 1000L) {
        break;
      }
      Thread.sleep(100);
    }
    stop.set(true);
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    return report(killAt, target);
  }

  /** Creates a key, and revokes every other one it acknowledged, until stopped. */
  private void client(int client) {
    List<Key> mine = new ArrayList<>();
    for (int n = 0; !stop.get(); n++) {
      if (n % 3 == 2 && !mine.isEmpty()) {
        Key k = mine.remove(mine.size() - 1);
        String op = uncertain.contains(k.id()) ? "revoke again" : "revoke";
        Answer a = send(op, "DELETE", balancer.resolve(TOKENS + "/" + k.id()), owner, null);
        if (a.status() == 204 || (a.status() == 404 && uncertain.contains(k.id()))) {
          // A 404 after a failed attempt: that attempt did commit, its answer was lost.
          revoked.add(k.id());
          uncertain.remove(k.id());
        } else {
          uncertain.add(k.id()); // revoked or not: unknown until a retry answers
          mine.add(k); // asked again next time
        }
      } else {
        String body = "{\"description\":\"ha client " + client + " #" + n + "\"}";
        HttpResponse<String> r = exchange("POST", balancer.resolve(TOKENS), owner, body);
        Answer a = record("create", r);
        if (a.status() == 201) {
          JsonNode created = parse(r.body());
          Key k = new Key(created.at("/api_token/id").asText(), created.get("token").asText());
          acknowledged.put(k.id(), k);
          acknowledgedAtMs.put(k.id(), a.endMs());
          mine.add(k);
        }
      }
      sleep(PAUSE_MS);
    }
  }

  private Answer send(String op, String method, URI uri, String token, String body) {
    return record(op, exchange(method, uri, token, body));
  }

  private final ThreadLocal<Long> started = new ThreadLocal<>();
  private final ThreadLocal<String> failure = new ThreadLocal<>();

  private HttpResponse<String> exchange(String method, URI uri, String token, String body) {
    started.set(nowMs());
    failure.remove();
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (body != null) {
      b.header("Content-Type", "application/json");
      b.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      failure.set(e.getClass().getSimpleName());
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure.set("interrupted");
      return null;
    }
  }

  private Answer record(String op, HttpResponse<String> r) {
    Answer a;
    if (r == null) {
      a = new Answer(started.get(), nowMs(), op, -1, failure.get());
    } else {
      String code = null;
      if (r.statusCode() >= 400) {
        code = parse(r.body()).path("error").path("code").asText("not an error envelope");
      }
      a = new Answer(started.get(), nowMs(), op, r.statusCode(), code);
    }
    answers.add(a);
    return a;
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  /**
   * When writes were back (ms since start), or null: the answer to the first successful write asked
   * after the kill and after the last failed write was asked, so that every write asked since then
   * succeeded.
   */
  private Long writesBackAtMs() {
    long killAt = killedAtMs.get();
    if (killAt < 0) {
      return null;
    }
    List<Answer> all = new ArrayList<>(answers);
    long lastFailedStart = killAt;
    for (Answer a : all) {
      if (!a.succeeded()) {
        lastFailedStart = Math.max(lastFailedStart, a.startMs());
      }
    }
    Long first = null;
    for (Answer a : all) {
      if (a.succeeded() && a.startMs() > lastFailedStart) {
        first = first == null ? a.endMs() : Math.min(first, a.endMs());
      }
    }
    return first;
  }

  private boolean report(long killAt, int target) throws Exception {
    Long back = writesBackAtMs();
    List<Answer> all = new ArrayList<>(answers);
    long lastFailure = -1;
    long firstSuccess = -1;
    for (Answer a : all) {
      if (!a.succeeded() && a.endMs() > killAt) {
        lastFailure = Math.max(lastFailure, a.endMs());
      }
      if (a.succeeded() && a.startMs() > killAt && (firstSuccess < 0 || a.endMs() < firstSuccess)) {
        firstSuccess = a.endMs();
      }
    }
    // The failover: from the kill until the last failed answer (or recovery, if none failed).
    long failoverEnd = Math.max(lastFailure, back == null ? Long.MAX_VALUE : back);
    Map<String, Integer> duringFailover = new TreeMap<>();
    Map<String, Integer> unexpected = new TreeMap<>();
    int createdBefore = 0;
    int createdAfter = 0;
    for (Answer a : all) {
      boolean during = a.endMs() > killAt && a.startMs() <= failoverEnd;
      if (during) {
        duringFailover.merge(a.op() + " " + a.label(), 1, Integer::sum);
      }
      boolean expected =
          a.succeeded() || (a.status() == 503 && "service_unavailable".equals(a.code()));
      if (!expected) {
        unexpected.merge(a.op() + " " + a.label(), 1, Integer::sum);
      }
    }
    for (long at : acknowledgedAtMs.values()) {
      if (at <= killAt) {
        createdBefore++;
      } else {
        createdAfter++;
      }
    }

    // Every node may still serve a key from its authentication cache for one TTL (1 s by default).
    Thread.sleep(1500);
    int live = 0;
    int lost = 0;
    int resurrected = 0;
    int checks = 0;
    List<String> examples = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (Key k : acknowledged.values()) {
        if (uncertain.contains(k.id())) {
          continue;
        }
        boolean shouldWork = !revoked.contains(k.id());
        if (shouldWork) {
          live++;
        }
        for (URI node : nodes) {
          results.add(
              pool.submit(
                  () -> {
                    int status = authenticate(node, k);
                    if (shouldWork && status != 200) {
                      return "lost " + k.id() + " on " + node + ": " + status;
                    }
                    if (!shouldWork && status != 401) {
                      return "resurrected " + k.id() + " on " + node + ": " + status;
                    }
                    return null;
                  }));
        }
      }
      for (Future<String> f : results) {
        checks++;
        String problem = f.get();
        if (problem != null) {
          if (problem.startsWith("lost")) {
            lost++;
          } else {
            resurrected++;
          }
          if (examples.size() < 10) {
            examples.add(problem);
          }
        }
      }
    } finally {
      pool.shutdown();
    }

    double backAfter = back == null ? Double.NaN : (back - killAt) / 1000.0;
    System.out.println("== HA failover report ==");
    System.out.printf("requests sent:                      %d%n", all.size());
    System.out.printf("keys acknowledged (201) before kill: %d%n", createdBefore);
    System.out.printf("keys acknowledged (201) after kill:  %d%n", createdAfter);
    System.out.printf("keys revoked (204):                  %d%n", revoked.size());
    System.out.printf(
        "first write succeeding after the kill: %s%n",
        firstSuccess < 0 ? "never" : String.format("%.2f s", (firstSuccess - killAt) / 1000.0));
    System.out.printf(
        "writes back (every write since works): %s after the kill%n",
        back == null ? "never" : String.format("%.2f s", backAfter));
    System.out.printf(
        "last failed answer after the kill:   %s%n",
        lastFailure < 0 ? "none" : String.format("%.2f s", (lastFailure - killAt) / 1000.0));
    System.out.println("answers during the failover (kill .. last failure):");
    duringFailover.forEach((k, v) -> System.out.printf("  %-45s %d%n", k, v));
    System.out.println(
        "unexpected answers (not 201/204/503 service_unavailable): "
            + (unexpected.isEmpty() ? "none" : unexpected));
    System.out.printf(
        "checked afterwards on %d nodes directly: %d live keys authenticate, %d revoked refused"
            + " (%d checks)%n",
        nodes.size(), live, revoked.size(), checks);
    System.out.printf(
        "not checked (revocation asked, never answered 204): %d%n", uncertain.size());
    System.out.printf("503s asked again while checking:      %d%n", verificationRetries.get());
    System.out.printf("acknowledged keys lost:               %d%n", lost);
    System.out.printf("revoked keys resurrected:             %d%n", resurrected);
    examples.forEach(e -> System.out.println("  " + e));

    List<String> missed = new ArrayList<>();
    if (lost > 0) {
      missed.add("acknowledged keys lost");
    }
    if (resurrected > 0) {
      missed.add("revoked keys resurrected");
    }
    if (back == null || backAfter > target) {
      missed.add("writes not back within " + target + " s");
    }
    if (!unexpected.isEmpty()) {
      missed.add("answers other than 503 service_unavailable");
    }
    if (createdBefore == 0 || createdAfter == 0) {
      missed.add("no keys acknowledged before or after the kill");
    }
    System.out.println(
        missed.isEmpty() ? "TARGET MET" : "TARGET MISSED: " + String.join("; ", missed));
    return missed.isEmpty();
  }

  /**
   * The status of {@code GET /api/v0/user} with the key on one node. A 503 is asked again (for up
   * to 10 s, counted in the report): the question is what the database holds, not whether this
   * one request found it.
   */
  private int authenticate(URI node, Key k) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      HttpResponse<String> r = exchange("GET", node.resolve("/api/v0/user"), k.secret(), null);
      int status = r == null ? -1 : r.statusCode();
      if (status != 503 || System.nanoTime() > deadline) {
        return status;
      }
      verificationRetries.incrementAndGet();
      sleep(250);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
