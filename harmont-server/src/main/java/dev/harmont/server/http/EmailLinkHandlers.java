package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import dev.harmont.server.signin.EmailLinks;
import dev.harmont.server.signin.SignUpPolicy;
import java.util.EnumSet;
import java.util.Set;

/**
 * Upstream's sign-up and recovery endpoints (passkeySignupBegin, passkeySignupOptions,
 * passkeySignupFinalize, recoverBegin, recoverOptions, recoverFinalize) and ours that says whether
 * sign-up is open (getSignUpPolicy): wire in, one {@link EmailLinks} call, wire out. A refused link
 * or credential is a failed authentication for {@link AuthThrottle}, like a refused bearer token.
 */
final class EmailLinkHandlers {
  private final EmailLinks emailLinks;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final RequestContexts contexts;

  EmailLinkHandlers(
      EmailLinks emailLinks,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      RequestContexts contexts) {
    this.emailLinks = emailLinks;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
    this.contexts = contexts;
  }

  void getSignUpPolicy(Request req, Response res) {
    SignUpPolicy policy = emailLinks.policy();
    ObjectNode out = Json.object();
    out.put("open", policy.open());
    ArrayNode domains = out.putArray("domains");
    policy.domains().forEach(domains::add);
    Responses.json(res, 200, out);
  }

  void passkeySignupBegin(Request req, Response res) {
    ObjectNode body = bodies.optionalObject(req);
    emailLinks.signUpBegin(
        Wire.optionalString(body, "email"), Wire.optionalString(body, "name"), clients.of(req));
    noContent(res);
  }

  void passkeySignupOptions(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String token = Wire.optionalString(body, "verification_token");
    try {
      Responses.json(res, 200, Wire.registrationOptions(emailLinks.signUpOptions(token)));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  void passkeySignupFinalize(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String challengeId = Wire.optionalString(body, "challenge_id");
    String token = Wire.optionalString(body, "verification_token");
    String attestation = Wire.credential(body, "attestation");
    try {
      Responses.json(
          res,
          200,
          Wire.signedIn(
              emailLinks.signUpFinalize(challengeId, token, attestation, contexts.of(req))));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  void recoverBegin(Request req, Response res) {
    ObjectNode body = bodies.optionalObject(req);
    emailLinks.recoverBegin(Wire.optionalString(body, "email"), clients.of(req));
    noContent(res);
  }

  void recoverOptions(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String token = Wire.optionalString(body, "magic_link_token");
    try {
      Responses.json(res, 200, Wire.registrationOptions(emailLinks.recoverOptions(token)));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  void recoverFinalize(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String token = Wire.optionalString(body, "magic_link_token");
    String challengeId = Wire.optionalString(body, "challenge_id");
    String attestation = Wire.credential(body, "attestation");
    try {
      Responses.json(
          res,
          200,
          Wire.signedIn(
              emailLinks.recoverFinalize(token, challengeId, attestation, contexts.of(req))));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  private static void noContent(Response res) {
    res.status(204);
    res.send();
  }

  // What a guessed link or a forged credential gets; a body error is not a guess.
  private static final Set<ErrorCode> REFUSALS =
      EnumSet.of(
          ErrorCode.PASSKEY_TOKEN_INVALID,
          ErrorCode.PASSKEY_CHALLENGE_INVALID,
          ErrorCode.PASSKEY_REGISTRATION_FAILED,
          ErrorCode.PASSKEY_USER_VERIFICATION_REQUIRED);
}
