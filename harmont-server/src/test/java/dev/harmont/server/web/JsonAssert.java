package dev.harmont.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harmont.server.testing.Api.Response;

/** Small JSON helpers for the browser tests' API checks. */
final class JsonAssert {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonAssert() {}

  static String quote(String text) {
    try {
      return MAPPER.writeValueAsString(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** The key list holds a key with this description and expiry. */
  static void keyWithDescription(Response list, String description, String expiresAt) {
    assertThat(list.status()).isEqualTo(200);
    JsonNode match = null;
    for (JsonNode key : list.json().get("api_tokens")) {
      if (description.equals(key.path("description").asText(null))) {
        match = key;
      }
    }
    assertThat(match).as("a key described %s", description).isNotNull();
    assertThat(match.get("expires_at").asText()).isEqualTo(expiresAt);
  }
}
