package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import dev.harmont.server.signin.Passkeys;
import java.util.EnumSet;
import java.util.Set;

/**
 * Upstream's passkey endpoints (passkeyLoginOptions, passkeyLoginFinalize, passkeyRegisterOptions,
 * passkeyRegisterFinalize) and ours to manage them (listPasskeys, renamePasskey, deletePasskey):
 * wire in, one {@link Passkeys} call, wire out. A refused finalize is a failed authentication for
 * {@link AuthThrottle}, like a refused bearer token.
 */
final class PasskeyHandlers {
  private final Passkeys passkeys;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final RequestContexts contexts;

  PasskeyHandlers(
      Passkeys passkeys,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      RequestContexts contexts) {
    this.passkeys = passkeys;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
    this.contexts = contexts;
  }

  void passkeyLoginOptions(Request req, Response res) {
    bodies.optionalObject(req);
    Responses.json(res, 200, Wire.loginOptions(passkeys.loginOptions()));
  }

  void passkeyLoginFinalize(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String challengeId = Wire.optionalString(body, "challenge_id");
    String assertion = Wire.credential(body, "assertion");
    try {
      Responses.json(
          res, 200, Wire.session(passkeys.login(challengeId, assertion, contexts.of(req))));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  void passkeyRegisterOptions(Request req, Response res, Authenticated who) {
    bodies.optionalObject(req);
    Responses.json(res, 200, Wire.registrationOptions(passkeys.registerOptions(who)));
  }

  void passkeyRegisterFinalize(Request req, Response res, Authenticated who) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String challengeId = Wire.optionalString(body, "challenge_id");
    String attestation = Wire.credential(body, "attestation");
    String nickname = Wire.optionalString(body, "nickname");
    try {
      Responses.json(
          res,
          201,
          Wire.passkey(
              passkeys.register(who, challengeId, attestation, nickname, contexts.of(req))));
    } catch (HarmontException e) {
      throw throttle.refuseIf(REFUSALS, client, e);
    }
  }

  void listPasskeys(Request req, Response res, Authenticated who) {
    Responses.json(res, 200, Wire.passkeyList(passkeys.list(who)));
  }

  void renamePasskey(Request req, Response res, Authenticated who) {
    ObjectNode body = bodies.optionalObject(req);
    String nickname = Wire.optionalString(body, "nickname");
    Responses.json(
        res,
        200,
        Wire.passkey(passkeys.rename(who, Routes.parameter(req), nickname, contexts.of(req))));
  }

  void deletePasskey(Request req, Response res, Authenticated who) {
    passkeys.remove(who, Routes.parameter(req), contexts.of(req));
    res.status(204);
    res.send();
  }

  // What a wrong or forged credential gets; a bad nickname or a body error is not a guess.
  private static final Set<ErrorCode> REFUSALS =
      EnumSet.of(
          ErrorCode.PASSKEY_CHALLENGE_INVALID,
          ErrorCode.PASSKEY_ASSERTION_FAILED,
          ErrorCode.PASSKEY_REGISTRATION_FAILED,
          ErrorCode.PASSKEY_UNKNOWN_CREDENTIAL,
          ErrorCode.PASSKEY_USER_VERIFICATION_REQUIRED);
}
