package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes JSON success responses. */
final class Responses {
  private Responses() {}

  static void json(ServerResponse res, Status status, JsonNode body) {
    res.status(status);
    res.header(HeaderNames.CONTENT_TYPE, Errors.JSON_UTF8);
    res.send(Json.bytes(body));
  }
}
