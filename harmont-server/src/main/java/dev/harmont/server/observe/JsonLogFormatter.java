package dev.harmont.server.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.temporal.ChronoUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One JSON object per line for every java.util.logging record: ours, Helidon's, and HikariCP's and
 * Flyway's (through slf4j-jdk14). Fields: {@code time} (RFC 3339, UTC, milliseconds), {@code level}
 * ({@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG}, {@code TRACE}), {@code logger}, {@code
 * message}, {@code request_id} when the record belongs to a request, for access lines {@code
 * method}, {@code route} (the template), {@code status} and {@code latency_ms}, and {@code stack}
 * when an exception is attached. Only what the record holds is written, so this formatter adds no
 * header, body or query string that the text format would not show either.
 */
public final class JsonLogFormatter extends Formatter {
  private static final JsonFactory JSON = new JsonFactory();

  /** Makes every handler of the root logger (the console, by default) write JSON lines. */
  public static void installOnRootHandlers() {
    JsonLogFormatter formatter = new JsonLogFormatter();
    for (Handler handler : Logger.getLogger("").getHandlers()) {
      handler.setFormatter(formatter);
    }
  }

  @Override
  public String format(LogRecord record) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", record.getInstant().truncatedTo(ChronoUnit.MILLIS).toString());
      json.writeStringField("level", level(record.getLevel()));
      json.writeStringField("logger", record.getLoggerName() == null ? "" : record.getLoggerName());
      json.writeStringField("message", formatMessage(record));
      if (record instanceof RequestLogRecord request) {
        if (request.requestId() != null) {
          json.writeStringField("request_id", request.requestId());
        }
        RequestLogRecord.Access access = request.access();
        if (access != null) {
          json.writeStringField("method", access.method());
          json.writeStringField("route", access.route());
          json.writeNumberField("status", access.status());
          json.writeNumberField("latency_ms", access.latencyMicros() / 1000.0);
        }
      }
      if (record.getThrown() != null) {
        StringWriter stack = new StringWriter();
        try (PrintWriter printer = new PrintWriter(stack)) {
          record.getThrown().printStackTrace(printer);
        }
        json.writeStringField("stack", stack.toString());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.append('\n').toString();
  }

  /** The names log pipelines expect rather than java.util.logging's own. */
  static String level(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) {
      return "ERROR";
    }
    if (value >= Level.WARNING.intValue()) {
      return "WARN";
    }
    if (value >= Level.INFO.intValue()) {
      return "INFO";
    }
    if (value >= Level.FINE.intValue()) {
      return "DEBUG";
    }
    return "TRACE";
  }
}
