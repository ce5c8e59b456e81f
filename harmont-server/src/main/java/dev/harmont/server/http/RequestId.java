package dev.harmont.server.http;

import dev.harmont.server.edge.Request;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The id that ties a response to the server's logs. A well-formed incoming {@code X-Request-Id} (a
 * load balancer's, a client's) is kept; anything else is replaced by a new random one, so a hostile
 * value never reaches a log line.
 */
record RequestId(String value) {
  static final String HEADER = "X-Request-Id";
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  static RequestId from(Request req) {
    if (req.hasHeader(HEADER)) {
      var values = req.headerValues(HEADER);
      if (values.size() == 1 && WELL_FORMED.matcher(values.get(0)).matches()) {
        return new RequestId(values.get(0));
      }
    }
    return fresh();
  }

  /**
   * 96 random bits. They only need to be unique, not unpredictable (the id grants nothing), so they
   * come from {@link ThreadLocalRandom}: {@code SecureRandom} reads the kernel's generator under a
   * lock, and was ~5 % of the CPU of a {@code /healthz} under load.
   */
  static RequestId fresh() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    HexFormat hex = HexFormat.of();
    return new RequestId(
        "req_" + hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextInt()));
  }
}
