package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harmont.server.edge.Response;

/** Writes JSON success responses. */
final class Responses {
  private Responses() {}

  static void json(Response res, int status, JsonNode body) {
    json(res, status, Json.bytes(body));
  }

  /** {@code body} is JSON already serialized. */
  static void json(Response res, int status, byte[] body) {
    res.status(status);
    res.header("Content-Type", Errors.JSON_UTF8);
    res.send(body);
  }
}
