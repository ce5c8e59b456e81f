package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.User;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place where domain records become the spec's snake_case JSON and request fields become
 * values. Responses are built field by field, so a hash or secret can only appear where it is
 * written here (the one-time {@code token} of a create response).
 */
final class Wire {
  // RFC 3339 section 5.6: seconds required, offset required, T/Z in either case.
  private static final Pattern RFC3339 =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

  private Wire() {}

  static ObjectNode user(User user) {
    ObjectNode out = Json.object();
    out.put("uuid", user.id().toString());
    out.put("email", user.email());
    out.put("name", user.name());
    out.put("personal_org_slug", user.personalOrgSlug());
    return out;
  }

  static ObjectNode apiToken(ApiToken token) {
    ObjectNode out = Json.object();
    out.put("id", token.id().toString());
    out.put("description", token.description());
    out.put("created_at", instant(token.createdAt()));
    out.put("expires_at", instant(token.expiresAt()));
    out.put("last_used_at", instant(token.lastUsedAt()));
    return out;
  }

  static ObjectNode apiTokenList(List<ApiToken> tokens) {
    ObjectNode out = Json.object();
    var array = out.putArray("api_tokens");
    tokens.forEach(t -> array.add(apiToken(t)));
    return out;
  }

  static ObjectNode created(CreatedToken created) {
    ObjectNode out = Json.object();
    out.put("token", created.secret());
    out.set("api_token", apiToken(created.token()));
    return out;
  }

  /** A new session: its secret (the only copy) and when it ends. */
  static ObjectNode session(CreatedToken created) {
    ObjectNode out = Json.object();
    out.put("token", created.secret());
    out.put("expires_at", instant(created.token().expiresAt()));
    return out;
  }

  static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /** A field that may be absent or null (→ null) or a string; any other type is refused. */
  static String optionalString(ObjectNode body, String field) {
    if (body == null) {
      return null;
    }
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new HarmontException(
          ErrorCode.FIELD_TYPE_INVALID,
          "Field `" + field + "` must be a string" + " (got " + typeName(node) + ").");
    }
    return node.textValue();
  }

  /** An RFC 3339 date-time with offset, or null when absent or null. */
  static Instant optionalDateTime(ObjectNode body, String field, ErrorCode invalid) {
    String text;
    try {
      text = optionalString(body, field);
    } catch (HarmontException e) {
      throw new HarmontException(invalid);
    }
    if (text == null) {
      return null;
    }
    if (!RFC3339.matcher(text).matches()) {
      throw new HarmontException(invalid);
    }
    try {
      return OffsetDateTime.parse(
              text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new HarmontException(invalid);
    }
  }

  private static String typeName(JsonNode node) {
    return switch (node.getNodeType()) {
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }
}
