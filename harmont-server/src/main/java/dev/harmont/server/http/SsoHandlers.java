package dev.harmont.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.SsoIdentity;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import dev.harmont.server.signin.Sso;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Single sign-on: ours (listAuthProviders, startOidcSignIn, finishOidcSignIn, redeemOidcSignIn,
 * listIdentities, deleteIdentity) and upstream's SPA endpoints (authGoogle, authGithub). The
 * browser legs ({@code start}, {@code callback}) answer with redirects, a failure to the console's
 * page that explains it ({@code /sign-in#sso_error=CODE&message=…}), never a JSON body in the
 * browser's window. A failed callback, redeem or code sign-in counts on {@link AuthThrottle}.
 */
final class SsoHandlers {
  /** Binds a sign-in to the browser that started it (login CSRF); HttpOnly, Lax, API path. */
  static final String COOKIE = "harmont_sso";

  private final Sso sso;
  private final Bodies bodies;
  private final AuthThrottle throttle;
  private final ClientAddress clients;
  private final RequestContexts contexts;

  SsoHandlers(
      Sso sso,
      Bodies bodies,
      AuthThrottle throttle,
      ClientAddress clients,
      RequestContexts contexts) {
    this.sso = sso;
    this.bodies = bodies;
    this.throttle = throttle;
    this.clients = clients;
    this.contexts = contexts;
  }

  void listAuthProviders(Request req, Response res) {
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("providers");
    for (Sso.ProviderInfo p : sso.providers()) {
      ObjectNode item = list.addObject();
      item.put("id", p.key());
      item.put("name", p.name());
      item.put("available", p.available());
      item.put("start_url", "/api/v0/auth/oidc/start?provider=" + p.key());
    }
    Responses.json(res, 200, out);
  }

  void startOidcSignIn(Request req, Response res) {
    try {
      Sso.Started started =
          sso.start(single(req, "provider"), single(req, "return_to"), cookie(req).orElse(null));
      res.header(
          "Set-Cookie",
          COOKIE
              + "="
              + started.cookie()
              + "; Path=/api/v0/auth/oidc; HttpOnly; SameSite=Lax; Max-Age="
              + Sso.STATE_TTL.toSeconds()
              + (secure() ? "; Secure" : ""));
      redirect(res, started.location().toString());
    } catch (HarmontException e) {
      failed(res, e);
    }
  }

  void finishOidcSignIn(Request req, Response res) {
    String client = clients.of(req);
    try {
      if (throttle.isBlocked(client)) {
        throw new HarmontException(ErrorCode.RATE_LIMITED);
      }
      Sso.Finished finished =
          sso.callback(
              single(req, "code"),
              single(req, "state"),
              single(req, "error"),
              cookie(req).orElse(null),
              contexts.of(req));
      redirect(
          res,
          "/"
              + "#sso="
              + finished.code()
              + "&return_to="
              + URLEncoder.encode(finished.returnTo(), StandardCharsets.UTF_8));
    } catch (HarmontException e) {
      if (e.code() != ErrorCode.RATE_LIMITED) {
        throttle.recordFailure(client);
      }
      failed(res, e);
    }
  }

  void redeemOidcSignIn(Request req, Response res) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String code = Wire.optionalString(body, "code");
    try {
      Responses.json(res, 201, Wire.session(sso.redeem(code, contexts.of(req))));
    } catch (HarmontException e) {
      throw throttle.refuse(client, e);
    }
  }

  void authGoogle(Request req, Response res) {
    signInWithCode(req, res, "google");
  }

  void authGithub(Request req, Response res) {
    signInWithCode(req, res, "github");
  }

  private void signInWithCode(Request req, Response res, String provider) {
    String client = clients.of(req);
    ObjectNode body = bodies.optionalObject(req);
    String code = Wire.optionalString(body, "code");
    String redirectUri = Wire.optionalString(body, "redirect_uri");
    try {
      Sso.SignedIn signedIn = sso.signInWithCode(provider, code, redirectUri, contexts.of(req));
      ObjectNode out = Json.object();
      out.put("token", signedIn.session().secret());
      ObjectNode user = out.putObject("user");
      // Upstream's AuthTokenResponse user: uuid, email, name.
      user.put("uuid", signedIn.user().id().toString());
      user.put("email", signedIn.user().email());
      user.put("name", signedIn.user().name());
      Responses.json(res, 200, out);
    } catch (HarmontException e) {
      if (e.code() == ErrorCode.SSO_PROVIDER_NOT_CONFIGURED) {
        throw e;
      }
      throw throttle.refuse(client, e);
    }
  }

  void listIdentities(Request req, Response res, Authenticated who) {
    Responses.json(res, 200, identityList(sso.listIdentities(who)));
  }

  void deleteIdentity(Request req, Response res, Authenticated who) {
    sso.unlinkIdentity(who, Routes.parameter(req), contexts.of(req));
    res.status(204);
    res.send();
  }

  private static ObjectNode identityList(List<SsoIdentity> identities) {
    ObjectNode out = Json.object();
    ArrayNode list = out.putArray("identities");
    for (SsoIdentity i : identities) {
      ObjectNode item = list.addObject();
      item.put("id", i.id().toString());
      item.put("provider", i.provider());
      item.put("issuer", i.issuer());
      item.put("email", i.email());
      item.put("linked_at", Wire.instant(i.linkedAt()));
      item.put("last_used_at", Wire.instant(i.lastUsedAt()));
    }
    return out;
  }

  private boolean secure() {
    return sso.redirectUri().getScheme().equals("https");
  }

  private static java.util.Optional<String> cookie(Request req) {
    return req.cookie(COOKIE);
  }

  /** The parameter's one value, null when absent; repeated is refused as tampering. */
  private static String single(Request req, String name) {
    List<String> values = req.queryValues(name);
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() != 1) {
      throw new HarmontException(ErrorCode.SSO_STATE_INVALID);
    }
    return values.get(0);
  }

  private static void redirect(Response res, String location) {
    res.status(302);
    res.header("Location", location);
    res.send();
  }

  /** To the console's sign-in page, which shows the message, the code and its doc page. */
  private static void failed(Response res, HarmontException e) {
    redirect(
        res,
        "/sign-in#sso_error="
            + e.code().code()
            + "&message="
            + URLEncoder.encode(e.getMessage(), StandardCharsets.UTF_8).replace("+", "%20"));
  }
}
