package dev.harmont.server.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Requests by route template, method and status ({@code harmont_http_requests_total}) and their
 * latency by route and method ({@code harmont_http_request_duration_seconds}, a Prometheus
 * histogram). Labels come only from fixed sets: the route table's templates ({@code
 * /api/v0/user/api-tokens/{id}}, never a path with an id in it; anything the table does not know is
 * {@value #UNMATCHED}), the standard methods (anything else is {@code OTHER}) and the status code,
 * so no client can make the number of series grow.
 *
 * <p>Per request, recording is two array reads, a counter increment and a histogram update, all
 * lock-free: each meter is looked up once, on the first request of its combination, and kept.
 */
final class RequestMetrics {
  /** The route label of a request no route matched (404s for unknown paths). */
  static final String UNMATCHED = "unmatched";

  // Bucket bounds of the latency histogram: from a cache hit (sub-millisecond) to a database
  // outage's connection timeout (seconds).
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT");
  private static final int OTHER_METHOD = METHODS.size();
  private static final int STATUSES = 600;

  private final MeterRegistry registry;
  private final Map<String, Route> byPattern = new HashMap<>();
  private final Route unmatched;

  /**
   * @param registry where to record; null: nothing is recorded (only {@link #route} is used)
   * @param patterns the route table's path templates (e.g. {@code /api/v0/user/api-tokens/{id}}),
   *     which are also the route labels
   */
  RequestMetrics(MeterRegistry registry, Iterable<String> patterns) {
    this.registry = registry;
    for (String pattern : patterns) {
      byPattern.computeIfAbsent(pattern, Route::new);
    }
    this.unmatched = new Route(UNMATCHED);
  }

  /** The route label of {@code pattern}: its template, or {@value #UNMATCHED}. */
  String route(String pattern) {
    return (pattern == null ? unmatched : byPattern.getOrDefault(pattern, unmatched)).label;
  }

  /**
   * Records one answered request.
   *
   * @param pattern the path pattern of the route that matched, null when none did
   */
  void record(String method, String pattern, int status, long nanos) {
    if (registry == null) {
      return;
    }
    Route route = pattern == null ? unmatched : byPattern.getOrDefault(pattern, unmatched);
    int m = methodIndex(method);
    route.duration(m).record(nanos, TimeUnit.NANOSECONDS);
    route.requests(m, status < 0 || status >= STATUSES ? 0 : status).increment();
  }

  private static int methodIndex(String method) {
    // Written out rather than looked up: it runs for every request.
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "PATCH" -> 4;
      case "DELETE" -> 5;
      case "OPTIONS" -> 6;
      case "TRACE" -> 7;
      case "CONNECT" -> 8;
      default -> OTHER_METHOD;
    };
  }

  private static String methodLabel(int index) {
    return index == OTHER_METHOD ? "OTHER" : METHODS.get(index);
  }

  /** One route's meters, created on first use. Races are harmless: the registry dedupes. */
  private final class Route {
    private final String label;
    private final AtomicReferenceArray<Timer> durations =
        new AtomicReferenceArray<>(METHODS.size() + 1);
    private final AtomicReferenceArray<AtomicReferenceArray<Counter>> requests =
        new AtomicReferenceArray<>(METHODS.size() + 1);

    Route(String label) {
      this.label = label;
    }

    Timer duration(int method) {
      Timer timer = durations.get(method);
      if (timer == null) {
        timer =
            Timer.builder("harmont.http.request.duration")
                .description("Time from a request's arrival to its answer, by route and method.")
                .tag("route", label)
                .tag("method", methodLabel(method))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        durations.set(method, timer);
      }
      return timer;
    }

    Counter requests(int method, int status) {
      AtomicReferenceArray<Counter> byStatus = requests.get(method);
      if (byStatus == null) {
        requests.compareAndSet(method, null, new AtomicReferenceArray<>(STATUSES));
        byStatus = requests.get(method);
      }
      Counter counter = byStatus.get(status);
      if (counter == null) {
        counter =
            Counter.builder("harmont.http.requests")
                .description("Answered requests by route template, method and status.")
                .tag("route", label)
                .tag("method", methodLabel(method))
                .tag("status", Integer.toString(status))
                .register(registry);
        byStatus.set(status, counter);
      }
      return counter;
    }
  }
}
