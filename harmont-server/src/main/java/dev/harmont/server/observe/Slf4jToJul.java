package dev.harmont.server.observe;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Where the libraries that log through SLF4J (Jetty, HikariCP, Flyway) write: java.util.logging,
 * like everything else here (one place for every log line, {@link ConsoleLog}). Registered as the
 * one SLF4J provider ({@code META-INF/services}).
 *
 * <p>One rule on top of a plain bridge: <b>Jetty's debug and trace output never leaves</b>, at any
 * configured level. It echoes raw requests (header lines with their values, buffers with their
 * bytes), and so bearer secrets and session tokens, which no log line may hold
 * (SecretsNeverLeakTest sets every logger to ALL). Jetty's info, warnings and errors pass as usual.
 */
public final class Slf4jToJul implements SLF4JServiceProvider {
  private static final String QUIET_BELOW_INFO = "org.eclipse.jetty";

  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private final ILoggerFactory loggers = Bridge::new;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  /** One SLF4J logger over the java.util.logging logger of the same name. */
  private static final class Bridge extends AbstractLogger {
    private static final long serialVersionUID = 1L;

    private final transient Logger jul;
    private final boolean quietBelowInfo;

    Bridge(String name) {
      this.name = name;
      this.jul = Logger.getLogger(name);
      this.quietBelowInfo = name.startsWith(QUIET_BELOW_INFO);
    }

    private boolean enabled(Level level) {
      if (quietBelowInfo && level.intValue() < Level.INFO.intValue()) {
        return false;
      }
      return jul.isLoggable(level);
    }

    private static Level jul(org.slf4j.event.Level level) {
      return switch (level) {
        case ERROR -> Level.SEVERE;
        case WARN -> Level.WARNING;
        case INFO -> Level.INFO;
        case DEBUG -> Level.FINE;
        case TRACE -> Level.FINEST;
      };
    }

    @Override
    protected void handleNormalizedLoggingCall(
        org.slf4j.event.Level level,
        Marker marker,
        String messagePattern,
        Object[] arguments,
        Throwable throwable) {
      Level julLevel = jul(level);
      if (!enabled(julLevel)) {
        return;
      }
      LogRecord record =
          new LogRecord(julLevel, MessageFormatter.basicArrayFormat(messagePattern, arguments));
      record.setLoggerName(name);
      record.setSourceClassName(name);
      record.setThrown(throwable);
      jul.log(record);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    public boolean isTraceEnabled() {
      return enabled(Level.FINEST);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return enabled(Level.FINE);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return enabled(Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return enabled(Level.WARNING);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return enabled(Level.SEVERE);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return isErrorEnabled();
    }
  }
}
