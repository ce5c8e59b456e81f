package dev.harmont.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a response against an OpenAPI 3.0 document: the status must be documented for the
 * operation and the body must match its schema. Covers the keywords our document uses ({@code
 * $ref}, type, nullable, required, properties, additionalProperties, items, enum, pattern,
 * minLength, maxLength, formats uuid and date-time); an unknown keyword fails loudly rather than
 * passing silently.
 */
public final class OpenApiValidator {
  private static final Pattern UUID_PATTERN =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final List<String> KNOWN =
      List.of(
          "$ref",
          "type",
          "nullable",
          "required",
          "properties",
          "additionalProperties",
          "items",
          "enum",
          "pattern",
          "minLength",
          "maxLength",
          "format",
          "description",
          "title",
          "example");

  private final JsonNode document;

  public OpenApiValidator(JsonNode document) {
    this.document = document;
  }

  public static OpenApiValidator of(String json) {
    try {
      return new OpenApiValidator(new ObjectMapper().readTree(json));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  /**
   * Problems with this response; empty when it conforms. {@code rawPath} is the request path as
   * sent (no query).
   */
  public List<String> check(
      String method, String rawPath, int status, String contentType, String body) {
    List<String> problems = new ArrayList<>();
    JsonNode operation = operation(method, rawPath);
    JsonNode response;
    if (operation == null) {
      // No documented operation: a CORS preflight (204, no body), or our error envelope.
      if (method.equals("OPTIONS") && status == 204) {
        return problems;
      }
      if (!List.of(400, 403, 404, 405, 413, 431).contains(status)) {
        problems.add(method + " " + rawPath + " answered " + status + " but is not documented");
        return problems;
      }
      response = resolve(document.at("/components/responses/NotFound"));
    } else {
      response = operation.path("responses").get(Integer.toString(status));
      if (response == null) {
        problems.add(method + " " + rawPath + ": status " + status + " is not documented");
        return problems;
      }
      response = resolve(response);
    }
    JsonNode content = response.get("content");
    if (content == null) {
      if (body != null && !body.isEmpty()) {
        problems.add("status " + status + " is documented without a body, got: " + body);
      }
      return problems;
    }
    JsonNode json = content.get("application/json");
    if (json == null) {
      return problems; // text/html pages: nothing to check structurally
    }
    if (contentType == null || !contentType.startsWith("application/json")) {
      problems.add("expected application/json, got " + contentType);
      return problems;
    }
    JsonNode value;
    try {
      value = new ObjectMapper().readTree(body);
    } catch (java.io.IOException e) {
      problems.add("body is not JSON: " + body);
      return problems;
    }
    validate(json.get("schema"), value, "$", problems);
    return problems;
  }

  private JsonNode operation(String method, String rawPath) {
    if (!method.equals(method.toUpperCase(java.util.Locale.ROOT))) {
      return null; // methods are case-sensitive: `get` is not the GET operation
    }
    Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").properties().iterator();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> entry = paths.next();
      if (matches(entry.getKey(), rawPath)) {
        return entry.getValue().get(method.toLowerCase(java.util.Locale.ROOT));
      }
    }
    return null;
  }

  private static boolean matches(String template, String path) {
    String[] t = template.split("/", -1);
    String[] p = path.split("/", -1);
    if (t.length != p.length) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      boolean param = t[i].startsWith("{") && t[i].endsWith("}");
      if (!param && !t[i].equals(p[i])) {
        return false;
      }
      if (param && p[i].isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private JsonNode resolve(JsonNode node) {
    while (node != null && node.has("$ref")) {
      node = document.at(node.get("$ref").asText().substring(1));
    }
    return node;
  }

  private void validate(JsonNode rawSchema, JsonNode value, String at, List<String> problems) {
    JsonNode schema = resolve(rawSchema);
    schema
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!KNOWN.contains(k)) {
                problems.add(at + ": validator does not know keyword " + k);
              }
            });
    if (value.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        problems.add(at + ": null is not allowed");
      }
      return;
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> {
        if (!value.isObject()) {
          problems.add(at + ": expected object, got " + value);
          return;
        }
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) {
            problems.add(at + ": missing required " + required.asText());
          }
        }
        JsonNode properties = schema.path("properties");
        value
            .properties()
            .iterator()
            .forEachRemaining(
                f -> {
                  JsonNode property = properties.get(f.getKey());
                  if (property != null) {
                    validate(property, f.getValue(), at + "." + f.getKey(), problems);
                  } else if (schema.path("additionalProperties").isBoolean()
                      && !schema.get("additionalProperties").asBoolean()) {
                    problems.add(at + ": undocumented property " + f.getKey());
                  }
                });
      }
      case "array" -> {
        if (!value.isArray()) {
          problems.add(at + ": expected array, got " + value);
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          validate(schema.get("items"), value.get(i), at + "[" + i + "]", problems);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          problems.add(at + ": expected string, got " + value);
          return;
        }
        checkString(schema, value.asText(), at, problems);
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          problems.add(at + ": expected integer, got " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          problems.add(at + ": expected boolean, got " + value);
        }
      }
      default -> problems.add(at + ": schema without a known type: " + schema);
    }
  }

  private static void checkString(JsonNode schema, String text, String at, List<String> problems) {
    int length = text.codePointCount(0, text.length());
    if (schema.has("minLength") && length < schema.get("minLength").asInt()) {
      problems.add(at + ": shorter than minLength");
    }
    if (schema.has("maxLength") && length > schema.get("maxLength").asInt()) {
      problems.add(at + ": longer than maxLength");
    }
    if (schema.has("pattern")
        && !Pattern.compile(schema.get("pattern").asText()).matcher(text).find()) {
      problems.add(at + ": does not match " + schema.get("pattern").asText() + ": " + text);
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode option : schema.get("enum")) {
        found |= option.asText().equals(text);
      }
      if (!found) {
        problems.add(at + ": " + text + " is not one of " + schema.get("enum"));
      }
    }
    String format = schema.path("format").asText("");
    if (format.equals("uuid") && !UUID_PATTERN.matcher(text).matches()) {
      problems.add(at + ": not a lowercase uuid: " + text);
    }
    if (format.equals("date-time")) {
      try {
        OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      } catch (RuntimeException e) {
        problems.add(at + ": not an RFC 3339 date-time: " + text);
      }
    }
  }
}
