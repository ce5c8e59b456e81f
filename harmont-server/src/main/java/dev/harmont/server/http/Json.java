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
 * JSON in and out, strict on input: no trailing data, no duplicate keys, bounded nesting, string
 * and number lengths. Bodies are read as trees and fields checked one by one, so nothing is
 * silently coerced (123 is not "123").
 */
final class Json {
  /** For writing only; reading goes through a {@link #strictReader} with the server's limits. */
  private static final ObjectMapper WRITER = JsonMapper.builder().build();

  private Json() {}

  /** A mapper that refuses anything outside the limits, and duplicate keys and trailing data. */
  static ObjectMapper strictReader(int maxNestingDepth, int maxStringLength) {
    return JsonMapper.builder(
            JsonFactory.builder()
                .streamReadConstraints(
                    StreamReadConstraints.builder()
                        .maxNestingDepth(maxNestingDepth)
                        .maxStringLength(maxStringLength)
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  // No field of ours is a number; long digit strings are only a way to burn CPU.
  private static final int MAX_NUMBER_LENGTH = 100;

  static ObjectNode object() {
    return WRITER.createObjectNode();
  }

  /** Parses a body that must be one JSON object. */
  static ObjectNode parseObject(ObjectMapper reader, byte[] body) {
    JsonNode node;
    try {
      node = reader.readTree(body);
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
      return WRITER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }
}
