package dev.harmont.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import java.io.IOException;

/**
 * The one JSON mapper, strict on input: no trailing data, no duplicate keys, bounded nesting,
 * string and number lengths. Bodies are read as trees and fields checked one by one, so nothing is
 * silently coerced (123 is not "123").
 */
final class Json {
  static final int MAX_NESTING_DEPTH = 32;
  static final int MAX_STRING_LENGTH = 64 * 1024;
  static final int MAX_NUMBER_LENGTH = 100;

  static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(MAX_NESTING_DEPTH)
                          .maxStringLength(MAX_STRING_LENGTH)
                          .maxNumberLength(MAX_NUMBER_LENGTH)
                          .build())
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses a body that must be one JSON object. */
  static ObjectNode parseObject(byte[] body) {
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")";
      throw new HarmontException(
          ErrorCode.BODY_INVALID_JSON, ErrorCode.BODY_INVALID_JSON.message() + where);
    } catch (IOException e) {
      throw new HarmontException(ErrorCode.BODY_INVALID_JSON);
    }
    if (node == null || node.isMissingNode()) {
      throw new HarmontException(ErrorCode.BODY_INVALID_JSON);
    }
    if (!node.isObject()) {
      throw new HarmontException(ErrorCode.BODY_NOT_OBJECT);
    }
    return (ObjectNode) node;
  }

  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }
}
