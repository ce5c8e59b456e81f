package dev.harmont.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ApiToken;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.CreatedToken;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.EventPage;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Passkey;
import dev.harmont.server.account.SecurityEvent;
import dev.harmont.server.account.TokenKind;
import dev.harmont.server.account.User;
import dev.harmont.server.signin.AuthenticatorNames;
import dev.harmont.server.signin.EmailLinks;
import dev.harmont.server.signin.Passkeys;
import java.nio.charset.StandardCharsets;
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
    out.put("hint", token.hint());
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

  /** A session started from an email link: upstream's {@code {token, user}} and our expiry. */
  static ObjectNode signedIn(EmailLinks.SignedIn signedIn) {
    ObjectNode out = session(signedIn.session());
    out.set("user", user(signedIn.user()));
    return out;
  }

  /** The calling credential, without its secret: what {@code GET /api/v0/auth/token} answers. */
  static ObjectNode currentToken(Authenticated who) {
    ApiToken token = who.token();
    ObjectNode out = Json.object();
    out.put("kind", token.kind() == TokenKind.PERSONAL ? "api_key" : "session");
    out.put("id", token.id().toString());
    out.put("description", token.description());
    out.put("hint", token.hint());
    out.put("created_at", instant(token.createdAt()));
    out.put("expires_at", instant(token.expiresAt()));
    out.put("last_used_at", instant(token.lastUsedAt()));
    // Set when the caller used a secret that a rotation replaced: it stops working then.
    out.put("previous_secret_ends_at", instant(who.previousSecretEndsAt()));
    return out;
  }

  static ObjectNode event(SecurityEvent event) {
    ObjectNode out = Json.object();
    out.put("id", event.id().toString());
    out.put("type", event.type().wire());
    out.put("created_at", instant(event.createdAt()));
    out.put("ip", event.ip());
    out.put("user_agent", event.userAgent());
    out.put("request_id", event.requestId());
    out.put("api_token_id", event.apiTokenId() == null ? null : event.apiTokenId().toString());
    out.put("method", event.method() == null ? null : event.method().wire());
    out.put("passkey_id", event.passkeyId() == null ? null : event.passkeyId().toString());
    out.put("provider", event.provider());
    return out;
  }

  /** Upstream's passkey fields, and ours: the authenticator's name when its AAGUID is known. */
  static ObjectNode passkey(Passkey passkey) {
    ObjectNode out = Json.object();
    out.put("uuid", passkey.id().toString());
    out.put("nickname", passkey.nickname());
    // Upstream's form: 32 lowercase hex digits; null when the authenticator does not say (zeros).
    boolean reported =
        passkey.aaguid() != null
            && (passkey.aaguid().getMostSignificantBits() != 0
                || passkey.aaguid().getLeastSignificantBits() != 0);
    out.put("aaguid", reported ? passkey.aaguid().toString().replace("-", "") : null);
    out.put("created_at", instant(passkey.createdAt()));
    out.put("last_used_at", instant(passkey.lastUsedAt()));
    out.put("authenticator", AuthenticatorNames.of(passkey.aaguid()).orElse(null));
    return out;
  }

  static ObjectNode passkeyList(List<Passkey> passkeys) {
    ObjectNode out = Json.object();
    ArrayNode array = out.putArray("passkeys");
    passkeys.forEach(p -> array.add(passkey(p)));
    return out;
  }

  /** {@code PublicKeyCredentialRequestOptions} (JSON form) and the challenge id. */
  static ObjectNode loginOptions(Passkeys.LoginOptions options) {
    ObjectNode out = Json.object();
    out.put("challenge_id", options.challengeId().toString());
    ObjectNode o = out.putObject("options");
    o.put("challenge", options.challenge());
    o.put("rpId", options.rpId());
    o.put("timeout", options.timeout().toMillis());
    o.put("userVerification", "required");
    o.putArray("allowCredentials");
    return out;
  }

  /** {@code PublicKeyCredentialCreationOptions} (JSON form) and the challenge id. */
  static ObjectNode registrationOptions(Passkeys.RegistrationOptions options) {
    ObjectNode out = Json.object();
    out.put("challenge_id", options.challengeId().toString());
    ObjectNode o = out.putObject("options");
    o.put("challenge", options.challenge());
    ObjectNode rp = o.putObject("rp");
    rp.put("id", options.relyingParty().id());
    rp.put("name", options.relyingParty().name());
    ObjectNode user = o.putObject("user");
    user.put("id", options.userHandle());
    user.put("name", options.userName());
    user.put("displayName", options.userDisplayName());
    ArrayNode params = o.putArray("pubKeyCredParams");
    for (long alg : Passkeys.ALGORITHM_IDS) {
      params.addObject().put("type", "public-key").put("alg", alg);
    }
    o.put("timeout", options.timeout().toMillis());
    o.put("attestation", "none");
    ArrayNode exclude = o.putArray("excludeCredentials");
    options
        .excludeCredentialIds()
        .forEach(id -> exclude.addObject().put("type", "public-key").put("id", id));
    ObjectNode selection = o.putObject("authenticatorSelection");
    selection.put("residentKey", "required");
    selection.put("requireResidentKey", true);
    selection.put("userVerification", "required");
    return out;
  }

  static ObjectNode eventPage(EventPage page) {
    ObjectNode out = Json.object();
    var array = out.putArray("events");
    page.events().forEach(e -> array.add(event(e)));
    out.put("next", page.next() == null ? null : page.next().encode());
    return out;
  }

  static String instant(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  /**
   * The browser's credential ({@code PublicKeyCredential.toJSON()}) in {@code field}, as JSON text
   * for the WebAuthn verifier; absent or null is an empty object (which the verifier refuses),
   * another type is 422 {@code field_type_invalid}.
   */
  static String credential(ObjectNode body, String field) {
    JsonNode node = body == null ? null : body.get(field);
    if (node == null || node.isNull()) {
      return "{}";
    }
    if (!node.isObject()) {
      throw new HarmontException(
          ErrorCode.FIELD_TYPE_INVALID, "Field `" + field + "` must be an object.");
    }
    return new String(Json.bytes(node), StandardCharsets.UTF_8);
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
