package dev.harmont.server.observe;

import dev.harmont.server.edge.Handler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The process's meters and their Prometheus exposition. When metrics are on ({@code
 * --metrics-address}) everything that measures gets {@link #registry()}, a Prometheus registry with
 * the JVM's memory, GC, thread, class-loading, CPU and uptime meters and {@code
 * harmont_build_info}. Off, there is no registry at all and the code that would measure skips it,
 * so nothing is added to a request.
 *
 * <p>It does not choose what to measure (the HTTP edge, the account service, the store do) nor
 * where it is served: {@link #routing()} is mounted by the server on a listener of its own, never
 * on the API's.
 */
public final class Metrics implements AutoCloseable {
  /** Where the exposition is served on the metrics listener. */
  public static final String PATH = "/metrics";

  // The classic text format, which every Prometheus version scrapes.
  private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final JvmGcMetrics gc;

  private Metrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, JvmGcMetrics gc) {
    this.registry = registry;
    this.prometheus = prometheus;
    this.gc = gc;
  }

  /** Metrics off: no registry. */
  public static Metrics off() {
    return new Metrics(null, null, null);
  }

  /** A Prometheus registry with the JVM's meters and the build's version. */
  public static Metrics prometheus() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(prometheus);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(prometheus);
    new JvmThreadMetrics().bindTo(prometheus);
    new ClassLoaderMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    new UptimeMetrics().bindTo(prometheus);
    // An info metric (`harmont_build_info{version="…"} 1`), registered with the Prometheus client
    // itself: Micrometer has no info type, and a gauge named *_info is not one to Prometheus.
    Info.builder()
        .name("harmont_build_info")
        .help("The running build; always 1.")
        .labelNames("version")
        .register(prometheus.getPrometheusRegistry())
        .setLabelValues(version());
    return new Metrics(prometheus, prometheus, gc);
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /** Where to register meters; null when metrics are off. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The current values in Prometheus's text format. */
  public String scrape() {
    if (prometheus == null) {
      throw new IllegalStateException("metrics are off");
    }
    return prometheus.scrape();
  }

  /**
   * {@code GET /metrics}, and a plain 404 for anything else: the metrics listener's one handler.
   */
  public Handler handler() {
    return (req, res) -> {
      if (req.rawPath().equals(PATH)
          && (req.method().equals("GET") || req.method().equals("HEAD"))) {
        res.header("Content-Type", TEXT_FORMAT);
        res.send(scrape().getBytes(StandardCharsets.UTF_8));
        return;
      }
      res.status(404);
      res.header("Content-Type", "text/plain; charset=utf-8");
      res.send("Not found. Metrics are served at " + PATH + "\n");
    };
  }

  /** This build's version, from the Maven-filtered {@code harmont-server.properties}. */
  public static String version() {
    try (InputStream in =
        Metrics.class.getResourceAsStream("/dev/harmont/server/harmont-server.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    if (registry != null) {
      registry.close();
    }
  }
}
