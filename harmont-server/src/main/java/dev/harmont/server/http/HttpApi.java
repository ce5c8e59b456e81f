package dev.harmont.server.http;

import dev.harmont.server.ApiMode;
import dev.harmont.server.ServerConfig;
import dev.harmont.server.account.Accounts;
import dev.harmont.server.account.AuthOutcome;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.ServiceCredentials;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.http.Routes.Route;
import dev.harmont.server.signin.EmailLinks;
import dev.harmont.server.signin.Passkeys;
import dev.harmont.server.signin.Sso;
import dev.harmont.server.web.Console;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The route table: every endpoint, which handler serves it and whether it needs a bearer token.
 * Matching (on the raw path, methods case-sensitive) and the 404/405 answers are {@link Routes}';
 * every error leaves in the same envelope.
 */
public final class HttpApi {
  /** Our OpenAPI document, a superset of the upstream contract. */
  public static final String OPENAPI_RESOURCE = "/dev/harmont/server/http/openapi.json";

  private static final String VERIFY = "/api/v0/auth/verify";

  /** What {@code --api verify} serves; every other path is 404 {@code route_not_found}. */
  private static final Set<String> VERIFY_MODE_PATHS =
      Set.of(
          VERIFY,
          VERIFY + "/**",
          "/api/v0/oauth/introspect",
          "/healthz",
          "/readyz",
          "/api/v0/openapi.json",
          ErrorDocs.PATH,
          ErrorDocs.PATH + "/{code}");

  private final Errors errors;
  private final Handler handler;
  private final RequestMetrics metrics;

  /**
   * @param passkeys the passkey ceremonies and rules
   * @param emailLinks sign-up, recovery and invitations by email
   * @param docBase the public base URL, e.g. {@code http://127.0.0.1:8080}, for {@code doc_url}
   * @param ready whether this node can write to its database, for {@code /readyz}
   * @param meters where requests are counted and timed by route; null: they are not
   * @param authOutcomes told the authentication outcomes decided at the edge
   * @param services the service credentials, for token introspection
   * @param sso single sign-on (its endpoints answer {@code sso_provider_not_configured} for a
   *     provider that is not configured)
   */
  public HttpApi(
      Accounts accounts,
      Passkeys passkeys,
      EmailLinks emailLinks,
      ServerConfig config,
      Supplier<String> docBase,
      BooleanSupplier ready,
      MeterRegistry meters,
      AuthOutcome.Listener authOutcomes,
      ServiceCredentials services,
      Sso sso) {
    this.errors = new Errors(docBase);
    Bodies bodies =
        new Bodies(config.maxBodyBytes(), config.maxJsonDepth(), config.maxJsonStringLength());
    // One throttle for every secret a client presents: other endpoints that check secrets count
    // their failures on it too (AuthThrottle's class comment).
    AuthThrottle throttle =
        new AuthThrottle(config.authFailureLimit(), config.authFailureWindow(), config.clock());
    ClientAddress clients = new ClientAddress(config.trustedProxies());
    Bearer bearer = new Bearer(accounts.authenticator(), throttle, clients, authOutcomes);
    RequestContexts contexts = new RequestContexts(clients);
    UserHandlers users = new UserHandlers(accounts.service(), bodies, contexts);
    ApiTokenHandlers tokens = new ApiTokenHandlers(accounts.service(), bodies, contexts);
    SecurityLogHandlers securityLog = new SecurityLogHandlers(accounts.securityLog());
    SignInHandlers signIn =
        new SignInHandlers(
            accounts.service(), accounts.signInLinks(), bodies, throttle, clients, contexts);
    CliGrantHandlers grants =
        new CliGrantHandlers(accounts.cliGrants(), bodies, throttle, clients, contexts);
    // Every POST goes through it: a retry with the same Idempotency-Key gets the first answer.
    IdempotentPosts posts = new IdempotentPosts(accounts.idempotency(), bearer, bodies, errors);
    PasskeyHandlers passkeyHandlers =
        new PasskeyHandlers(passkeys, bodies, throttle, clients, contexts);
    EmailLinkHandlers emailLinkHandlers =
        new EmailLinkHandlers(emailLinks, bodies, throttle, clients, contexts);
    VerifyHandlers verify = new VerifyHandlers(bearer, services, bodies, throttle, clients, errors);
    SsoHandlers ssoHandlers = new SsoHandlers(sso, bodies, throttle, clients, contexts);
    ErrorDocs docs = new ErrorDocs();
    byte[] openApi = loadOpenApi();
    Console console = new Console();

    List<Route> routes = new ArrayList<>();
    for (String page : Console.PAGES) {
      routes.add(new Route("GET", page, console.page()));
    }
    routes.addAll(
        List.of(
            new Route("GET", "/api/v0/user", bearer.protect(users::getCurrentUser)),
            new Route("PATCH", "/api/v0/user", bearer.protect(users::updateCurrentUser)),
            new Route("DELETE", "/api/v0/user", bearer.protect(users::deleteCurrentUser)),
            new Route("GET", "/api/v0/user/api-tokens", bearer.protect(tokens::listApiTokens)),
            new Route(
                "POST", "/api/v0/user/api-tokens", posts.authenticated(tokens::createApiToken)),
            new Route(
                "POST",
                "/api/v0/user/api-tokens/{id}/rotate",
                posts.authenticated(tokens::rotateApiToken)),
            // Listed before revoke, so that another method on .../rotate is a 405 naming POST.
            // {id} is one raw segment, decoded: `a%2Fb` is the id "a/b", which is not the
            // caller's key (api_token_not_found) like any other.
            new Route(
                "DELETE", "/api/v0/user/api-tokens/{id}", bearer.protect(tokens::revokeApiToken)),
            new Route("POST", "/api/v0/auth/logout", posts.authenticated(users::logout)),
            new Route("POST", "/api/v0/auth/sessions", posts.authenticated(signIn::createSession)),
            new Route(
                "POST",
                "/api/v0/auth/sign-in-links/redeem",
                posts.scopedByBody(signIn::redeemSignInLink)),
            // Any bearer may create a grant, personal key or session: a key can already mint keys
            // (createApiToken), so refusing it would protect nothing. The console uses its session.
            new Route(
                "POST", "/api/v0/auth/cli-grants", posts.authenticated(grants::createCliGrant)),
            // No bearer: the code and its PKCE verifier are the credential.
            new Route(
                "POST",
                "/api/v0/auth/cli-grants/exchange",
                posts.scopedByBody(grants::exchangeCliGrant)),
            // Cancel on the console's page, so that a CLI waiting for a pasted code stops.
            new Route(
                "POST", "/api/v0/auth/cli-grants/deny", posts.authenticated(grants::denyCliGrant)),
            // No bearer: the PKCE verifier is the credential.
            new Route(
                "POST",
                "/api/v0/auth/cli-grants/status",
                posts.scopedByBody(grants::getCliGrantStatus)),
            new Route("GET", "/api/v0/auth/token", bearer.protect(securityLog::getCurrentToken)),
            // Passkeys: signing in needs no bearer (the assertion is the credential); adding and
            // managing them needs one, a session or a key.
            // No Idempotency-Key here: the request carries no credential to scope a kept answer
            // by (a shared `{}` body would hand one client's challenge to another), and a retry
            // only makes another challenge.
            new Route(
                "POST", "/api/v0/auth/passkey/login/options", passkeyHandlers::passkeyLoginOptions),
            // No bearer: the signed assertion is the credential.
            new Route(
                "POST",
                "/api/v0/auth/passkey/login/finalize",
                posts.scopedByBody(passkeyHandlers::passkeyLoginFinalize)),
            new Route(
                "POST",
                "/api/v0/auth/passkey/register/options",
                posts.authenticated(passkeyHandlers::passkeyRegisterOptions)),
            new Route(
                "POST",
                "/api/v0/auth/passkey/register/finalize",
                posts.authenticated(passkeyHandlers::passkeyRegisterFinalize)),
            new Route(
                "GET", "/api/v0/user/passkeys", bearer.protect(passkeyHandlers::listPasskeys)),
            new Route(
                "PATCH",
                "/api/v0/user/passkeys/{id}",
                bearer.protect(passkeyHandlers::renamePasskey)),
            new Route(
                "DELETE",
                "/api/v0/user/passkeys/{id}",
                bearer.protect(passkeyHandlers::deletePasskey)),
            new Route("GET", "/api/v0/user/events", bearer.protect(securityLog::listEvents)),
            // Sign-up and recovery by email: no bearer (the emailed link is the credential). The
            // begin and options calls take no Idempotency-Key (a retry only makes another link or
            // challenge, within the hourly limit); finalize, like a passkey sign-in, is scoped
            // by its body.
            new Route("GET", "/api/v0/auth/signup", emailLinkHandlers::getSignUpPolicy),
            new Route(
                "POST", "/api/v0/auth/passkey/signup/begin", emailLinkHandlers::passkeySignupBegin),
            new Route(
                "POST",
                "/api/v0/auth/passkey/signup/options",
                emailLinkHandlers::passkeySignupOptions),
            new Route(
                "POST",
                "/api/v0/auth/passkey/signup/finalize",
                posts.scopedByBody(emailLinkHandlers::passkeySignupFinalize)),
            new Route("POST", "/api/v0/auth/recover/begin", emailLinkHandlers::recoverBegin),
            new Route("POST", "/api/v0/auth/recover/options", emailLinkHandlers::recoverOptions),
            new Route(
                "POST",
                "/api/v0/auth/recover/finalize",
                posts.scopedByBody(emailLinkHandlers::recoverFinalize)),
            // Single sign-on (issue 24). The browser legs need no bearer: state, cookie and the
            // provider's code are the credential; the console then redeems a one-time code.
            new Route("GET", "/api/v0/auth/providers", ssoHandlers::listAuthProviders),
            new Route("GET", "/api/v0/auth/oidc/start", ssoHandlers::startOidcSignIn),
            new Route("GET", "/api/v0/auth/oidc/callback", ssoHandlers::finishOidcSignIn),
            new Route(
                "POST",
                "/api/v0/auth/oidc/redeem",
                posts.scopedByBody(ssoHandlers::redeemOidcSignIn)),
            new Route("POST", "/api/v0/auth/google", posts.scopedByBody(ssoHandlers::authGoogle)),
            new Route("POST", "/api/v0/auth/github", posts.scopedByBody(ssoHandlers::authGithub)),
            new Route(
                "GET", "/api/v0/user/identities", bearer.protect(ssoHandlers::listIdentities)),
            new Route(
                "DELETE",
                "/api/v0/user/identities/{id}",
                bearer.protect(ssoHandlers::deleteIdentity)),
            new Route(
                "GET",
                "/api/v0/openapi.json",
                (req, res) -> {
                  res.header("Content-Type", Errors.JSON_UTF8);
                  res.send(openApi);
                }),
            new Route(
                "GET",
                "/healthz",
                (req, res) -> Responses.json(res, 200, Json.object().put("status", "ok"))),
            new Route(
                "GET",
                "/readyz",
                (req, res) -> {
                  if (!ready.getAsBoolean()) {
                    throw new HarmontException(
                        ErrorCode.SERVICE_UNAVAILABLE,
                        "Not ready: the database does not answer or does not accept writes.");
                  }
                  Responses.json(res, 200, Json.object().put("status", "ready"));
                }),
            new Route("GET", ErrorDocs.PATH, docs::index),
            new Route("GET", Console.ASSET_ROUTE, console.asset(Routes::parameter)),
            new Route("GET", ErrorDocs.PATH + "/{code}", docs::page),
            // Forward-auth: a proxy's sub-request keeps the method of what it checks, and may be
            // configured to append the original path.
            Route.anyMethod(VERIFY, verify::verifyToken),
            Route.anyMethod(VERIFY + "/**", verify::verifyToken),
            // No Idempotency-Key: reading who a token is changes nothing.
            new Route("POST", "/api/v0/oauth/introspect", verify::introspectToken)));
    if (config.api() == ApiMode.VERIFY) {
      routes.removeIf(route -> !VERIFY_MODE_PATHS.contains(route.path()));
    }

    metrics = new RequestMetrics(meters, routes.stream().map(Route::path).toList());
    if (meters != null) {
      FunctionCounter.builder(
              "harmont.access.log.dropped", AccessLog.class, c -> AccessLog.droppedTotal())
          .description("Access-log lines dropped because the log could not keep up.")
          .register(meters);
    }
    Handler routed = new Routes(errors, routes, config.maxBodyBytes());
    handler =
        new EdgeFilter(config.maxHeaderBytes(), metrics, errors)
            .wrap(new CorsFilter(config.corsOrigins()).wrap(routed));
  }

  /** Every request, from the edge in: request id, errors, CORS, routing, the endpoints. */
  public Handler handler() {
    return handler;
  }

  /**
   * What the HTTP server refuses by itself before routing (a malformed request, headers past its
   * parser's limit), with the status it chose: answered in our envelope, counted and logged as
   * every other answer.
   */
  public Handler refusals() {
    return (req, res) -> {
      long start = System.nanoTime();
      res.beforeSend(
          () -> {
            int code = res.status();
            long nanos = System.nanoTime() - start;
            metrics.record(req.method(), null, code, nanos);
            if (AccessLog.enabled()) {
              AccessLog.record(
                  new AccessLog.Entry(
                      req.method().isEmpty() ? "-" : req.method(),
                      req.rawPath().isEmpty() ? "-" : req.rawPath(),
                      metrics.route(null),
                      code,
                      nanos / 1000,
                      res.header(RequestId.HEADER).orElse("-")));
            }
          });
      errors.sendRefusal(req, res);
    };
  }

  private static byte[] loadOpenApi() {
    try (InputStream in = HttpApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
