package dev.harmont.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.cloud.ApiToken;
import dev.harmont.cloud.ApiTokenList;
import dev.harmont.cloud.CreatedApiToken;
import dev.harmont.cloud.CurrentToken;
import dev.harmont.cloud.CurrentUser;
import dev.harmont.cloud.Passkey;
import dev.harmont.cloud.PasskeyList;
import dev.harmont.cloud.SecurityEvent;
import dev.harmont.cloud.SecurityEventPage;
import java.time.Instant;

/** {@code --json} output: the SDK's records written back in the API's JSON shape. */
final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  static String user(CurrentUser user) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("uuid", user.uuid().toString());
    node.put("email", user.email());
    node.put("name", user.name());
    node.put("personal_org_slug", user.personalOrgSlug());
    return write(node);
  }

  static String tokens(ApiTokenList list) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode array = node.putArray("api_tokens");
    list.apiTokens().forEach(token -> array.add(token(token)));
    return write(node);
  }

  static String passkeys(PasskeyList list) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode array = node.putArray("passkeys");
    list.passkeys().forEach(passkey -> array.add(passkeyNode(passkey)));
    return write(node);
  }

  static String passkey(Passkey passkey) {
    return write(passkeyNode(passkey));
  }

  private static ObjectNode passkeyNode(Passkey passkey) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("uuid", passkey.uuid());
    node.put("nickname", passkey.nickname());
    node.put("aaguid", passkey.aaguid());
    node.put("created_at", text(passkey.createdAt()));
    node.put("last_used_at", text(passkey.lastUsedAt()));
    node.put("authenticator", passkey.authenticator());
    return node;
  }

  static String created(CreatedApiToken created) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("token", created.secret());
    node.set("api_token", token(created.apiToken()));
    return write(node);
  }

  private static ObjectNode token(ApiToken token) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("id", token.id());
    node.put("description", token.description());
    node.put("hint", token.hint());
    node.put("created_at", text(token.createdAt()));
    node.put("expires_at", text(token.expiresAt()));
    node.put("last_used_at", text(token.lastUsedAt()));
    return node;
  }

  /** The user as {@code user(...)} writes it, with the calling token under {@code "token"}. */
  static String whoami(CurrentUser user, CurrentToken token) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("uuid", user.uuid().toString());
    node.put("email", user.email());
    node.put("name", user.name());
    node.put("personal_org_slug", user.personalOrgSlug());
    if (token != null) {
      ObjectNode t = node.putObject("token");
      t.put("kind", token.kind());
      t.put("id", token.id());
      t.put("description", token.description());
      t.put("hint", token.hint());
      t.put("created_at", text(token.createdAt()));
      t.put("expires_at", text(token.expiresAt()));
      t.put("last_used_at", text(token.lastUsedAt()));
      t.put("previous_secret_ends_at", text(token.previousSecretEndsAt()));
    }
    return write(node);
  }

  static String events(SecurityEventPage page) {
    ObjectNode node = MAPPER.createObjectNode();
    ArrayNode array = node.putArray("events");
    for (SecurityEvent event : page.events()) {
      ObjectNode e = array.addObject();
      e.put("id", event.id());
      e.put("type", event.type());
      e.put("created_at", text(event.createdAt()));
      e.put("ip", event.ip());
      e.put("user_agent", event.userAgent());
      e.put("request_id", event.requestId());
      e.put("api_token_id", event.apiTokenId());
    }
    node.put("next", page.next());
    return write(node);
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static String write(ObjectNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serializes", e);
    }
  }
}
