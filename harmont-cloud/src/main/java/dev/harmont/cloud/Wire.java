package dev.harmont.cloud;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one place where the contract's snake_case JSON becomes records and back. Responses are read
 * field by field from Jackson's tree: fields the SDK does not know are ignored (so an older SDK
 * keeps working against a newer server), while a missing required field or a wrong type is reported
 * as {@link BadResponse} instead of turning into a silent null.
 */
final class Wire {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Wire() {}

  /** A response body that is not what the contract describes. */
  static final class BadResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadResponse(String message) {
      super(message);
    }

    BadResponse(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new BadResponse("the body is empty");
      }
      return node;
    } catch (IOException e) {
      throw new BadResponse("the body is not JSON", e);
    }
  }

  // Requests.

  static byte[] userUpdate(UserUpdate update) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("name", update.name());
    return bytes(body);
  }

  static byte[] passkeyUpdate(PasskeyUpdate update) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("nickname", update.nickname());
    return bytes(body);
  }

  static byte[] apiTokenCreate(ApiTokenCreate params) {
    ObjectNode body = MAPPER.createObjectNode();
    if (params.description() != null) {
      body.put("description", params.description());
    }
    if (params.expiresAt() != null) {
      // Instant.toString() is ISO-8601 in UTC with a Z, a valid RFC 3339 date-time.
      body.put("expires_at", params.expiresAt().toString());
    }
    return bytes(body);
  }

  static byte[] apiTokenRotate(ApiTokenRotate params) {
    ObjectNode body = MAPPER.createObjectNode();
    if (params.neverExpires()) {
      body.putNull("expires_at");
    } else if (params.expiresAt() != null) {
      body.put("expires_at", params.expiresAt().toString());
    }
    if (params.gracePeriod() != null) {
      body.put("grace_period_seconds", params.gracePeriod().toSeconds());
    }
    return bytes(body);
  }

  private static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // cannot happen for a tree of strings
    }
  }

  // Responses.

  static CurrentUser currentUser(JsonNode body) {
    JsonNode user = object(body, "the user");
    String uuid = requiredString(user, "uuid");
    try {
      return new CurrentUser(
          UUID.fromString(uuid),
          requiredString(user, "email"),
          optionalString(user, "name"),
          optionalString(user, "personal_org_slug"));
    } catch (IllegalArgumentException e) {
      throw new BadResponse("field `uuid` is not a UUID", e);
    }
  }

  static ApiToken apiToken(JsonNode node) {
    JsonNode token = object(node, "an API key");
    return new ApiToken(
        requiredString(token, "id"),
        optionalString(token, "description"),
        optionalString(token, "hint"),
        instant("created_at", requiredString(token, "created_at")),
        instant("expires_at", optionalString(token, "expires_at")),
        instant("last_used_at", optionalString(token, "last_used_at")));
  }

  static Passkey passkey(JsonNode node) {
    JsonNode passkey = object(node, "a passkey");
    return new Passkey(
        requiredString(passkey, "uuid"),
        optionalString(passkey, "nickname"),
        optionalString(passkey, "aaguid"),
        instant("created_at", requiredString(passkey, "created_at")),
        instant("last_used_at", optionalString(passkey, "last_used_at")),
        optionalString(passkey, "authenticator"));
  }

  static PasskeyList passkeyList(JsonNode body) {
    JsonNode array = object(body, "the passkey list").get("passkeys");
    if (array == null || !array.isArray()) {
      throw new BadResponse("field `passkeys` is missing or not an array");
    }
    List<Passkey> passkeys = new ArrayList<>(array.size());
    array.forEach(element -> passkeys.add(passkey(element)));
    return new PasskeyList(passkeys);
  }

  static ApiTokenList apiTokenList(JsonNode body) {
    JsonNode array = object(body, "the key list").get("api_tokens");
    if (array == null || !array.isArray()) {
      throw new BadResponse("field `api_tokens` is missing or not an array");
    }
    List<ApiToken> tokens = new ArrayList<>(array.size());
    array.forEach(element -> tokens.add(apiToken(element)));
    return new ApiTokenList(tokens);
  }

  static CreatedApiToken createdApiToken(JsonNode body) {
    JsonNode created = object(body, "the created key");
    JsonNode token = created.get("api_token");
    if (token == null) {
      throw new BadResponse("field `api_token` is missing");
    }
    return new CreatedApiToken(requiredString(created, "token"), apiToken(token));
  }

  static CurrentToken currentToken(JsonNode body) {
    JsonNode token = object(body, "the current token");
    return new CurrentToken(
        requiredString(token, "kind"),
        requiredString(token, "id"),
        optionalString(token, "description"),
        optionalString(token, "hint"),
        instant("created_at", requiredString(token, "created_at")),
        instant("expires_at", optionalString(token, "expires_at")),
        instant("last_used_at", optionalString(token, "last_used_at")),
        instant("previous_secret_ends_at", optionalString(token, "previous_secret_ends_at")));
  }

  static SecurityEventPage securityEventPage(JsonNode body) {
    JsonNode page = object(body, "the event page");
    JsonNode array = page.get("events");
    if (array == null || !array.isArray()) {
      throw new BadResponse("field `events` is missing or not an array");
    }
    List<SecurityEvent> events = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      JsonNode event = object(element, "an event");
      events.add(
          new SecurityEvent(
              requiredString(event, "id"),
              requiredString(event, "type"),
              instant("created_at", requiredString(event, "created_at")),
              optionalString(event, "ip"),
              optionalString(event, "user_agent"),
              optionalString(event, "request_id"),
              optionalString(event, "api_token_id")));
    }
    return new SecurityEventPage(events, optionalString(page, "next"));
  }

  /** The error envelope, or null when the body is not one. */
  static ApiError apiError(byte[] body) {
    JsonNode error;
    try {
      error = parse(body).get("error");
    } catch (BadResponse e) {
      return null;
    }
    if (error == null || !error.isObject()) {
      return null;
    }
    try {
      return new ApiError(
          optionalString(error, "type"),
          requiredString(error, "code"),
          optionalString(error, "message"),
          optionalString(error, "doc_url"),
          optionalString(error, "request_id"));
    } catch (BadResponse e) {
      return null;
    }
  }

  private static JsonNode object(JsonNode node, String what) {
    if (!node.isObject()) {
      throw new BadResponse(what + " is not a JSON object");
    }
    return node;
  }

  private static String requiredString(JsonNode object, String field) {
    String value = optionalString(object, field);
    if (value == null) {
      throw new BadResponse("field `" + field + "` is missing");
    }
    return value;
  }

  private static String optionalString(JsonNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new BadResponse("field `" + field + "` is not a string");
    }
    return node.textValue();
  }

  private static Instant instant(String field, String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadResponse("field `" + field + "` is not an RFC 3339 date-time", e);
    }
  }
}
