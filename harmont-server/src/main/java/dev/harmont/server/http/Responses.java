package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON success responses. */
final class Responses {
  private static final Header CONTENT_TYPE =
      HeaderValues.createCached(HeaderNames.CONTENT_TYPE, Errors.JSON_UTF8);

  private Responses() {}

  static void json(ServerResponse res, Status status, JsonNode body) {
    json(res, status, Json.bytes(body));
  }

  /** {@code body} is JSON already serialized. */
  static void json(ServerResponse res, Status status, byte[] body) {
    res.status(status);
    res.header(CONTENT_TYPE);
    res.send(body);
  }
}
