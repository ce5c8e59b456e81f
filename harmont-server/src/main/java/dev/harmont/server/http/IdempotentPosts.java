package dev.harmont.server.http;

import dev.harmont.server.account.Authenticated;
import dev.harmont.server.account.ErrorCode;
import dev.harmont.server.account.HarmontException;
import dev.harmont.server.account.Idempotency;
import dev.harmont.server.account.Idempotency.Answer;
import dev.harmont.server.account.Idempotency.Attempt;
import dev.harmont.server.edge.Handler;
import dev.harmont.server.edge.Request;
import dev.harmont.server.edge.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code Idempotency-Key} on every POST, written once around the POST handlers: the HTTP side of
 * {@link Idempotency}, which owns the rules and the storage. Without the header a request runs
 * exactly as before.
 *
 * <p>With it: the key is checked, the body read ({@link Bodies#bytes}), and the key looked up under
 * the credential presented, <em>before</em> authentication, so a retry whose first attempt ended
 * that credential (logout, rotation) still gets its first answer. A stored answer is sent again as
 * it was (status, content type, body, and the first request's {@code X-Request-Id}) with {@code
 * Idempotent-Replayed: true}, and the handler does not run. Otherwise the caller is authenticated,
 * the key taken (a pending record), and the handler runs with an interceptor on its response
 * ({@link Response#intercept}): the seam where its answer (status, content type, body; a 4xx it
 * throws is rendered here by {@link Errors}) is stored <em>before</em> its first byte leaves, so a
 * client that saw an answer always gets the same one on a retry. A 5xx, an exception, or any other
 * answer {@link Idempotency#isStored} does not keep, releases the key, so that a retry runs again.
 */
final class IdempotentPosts {
  static final String KEY = "Idempotency-Key";

  private static final Logger LOG = Logger.getLogger(IdempotentPosts.class.getName());

  private final Idempotency idempotency;
  private final Bearer bearer;
  private final Bodies bodies;
  private final Errors errors;

  IdempotentPosts(Idempotency idempotency, Bearer bearer, Bodies bodies, Errors errors) {
    this.idempotency = idempotency;
    this.bearer = bearer;
    this.bodies = bodies;
    this.errors = errors;
  }

  /** A POST that needs a bearer: its key belongs to the bearer secret presented. */
  Handler authenticated(Bearer.AuthenticatedHandler handler) {
    return (req, res) -> {
      String key = keyOf(req);
      String secret = key == null ? null : Bearer.presented(req);
      if (secret == null || secret.isEmpty()) {
        // No key, or no credential for it to belong to (answered 401 just below).
        handler.handle(req, res, bearer.authenticate(req));
        return;
      }
      Attempt attempt =
          idempotency.attempt(
              secret.getBytes(StandardCharsets.UTF_8), key, "POST", target(req), bodies.bytes(req));
      Optional<Answer> stored = idempotency.lookUp(attempt);
      if (stored.isEmpty()) {
        Authenticated who = bearer.authenticate(req);
        stored = idempotency.reserve(attempt, who.user().id());
        if (stored.isEmpty()) {
          run(attempt, req, res, (rq, rs) -> handler.handle(rq, rs, who));
          return;
        }
      }
      replay(res, stored.get());
    };
  }

  /**
   * A POST without a bearer whose body is the credential (a sign-in code): its key belongs to the
   * body. A record made here knows no user, so it outlives an account deletion until it expires; it
   * can only be opened with that code, which no longer works.
   */
  Handler scopedByBody(Handler handler) {
    return (req, res) -> {
      String key = keyOf(req);
      byte[] body = key == null ? null : bodies.bytes(req);
      if (body == null || body.length == 0) {
        // No key, or no credential (the handler refuses an empty body).
        handler.handle(req, res);
        return;
      }
      Attempt attempt = idempotency.attempt(body, key, "POST", target(req), body);
      Optional<Answer> stored = idempotency.lookUp(attempt);
      if (stored.isEmpty()) {
        stored = idempotency.reserve(attempt, null);
        if (stored.isEmpty()) {
          run(attempt, req, res, handler);
          return;
        }
      }
      replay(res, stored.get());
    };
  }

  /** The request's key; null without the header. */
  private static String keyOf(Request req) {
    if (!req.hasHeader(KEY)) {
      return null;
    }
    List<String> values = req.headerValues(KEY);
    if (values.size() != 1) {
      throw new HarmontException(ErrorCode.IDEMPOTENCY_KEY_INVALID);
    }
    Idempotency.checkKey(values.get(0));
    return values.get(0);
  }

  /** The raw path, and the raw query when there is one: what the request is about. */
  private static String target(Request req) {
    String query = req.rawQuery();
    return query.isEmpty() ? req.rawPath() : req.rawPath() + "?" + query;
  }

  private void run(Attempt attempt, Request req, Response res, Handler handler) throws Exception {
    RequestId requestId = req.get(RequestId.class).orElseGet(RequestId::fresh);
    // The seam: the answer is stored as it leaves, before its first byte does.
    res.intercept(
        body ->
            keep(
                attempt,
                new Answer(
                    res.status(),
                    body.length == 0 ? null : res.header("Content-Type").orElse(null),
                    requestId.value(),
                    body)));
    try {
      handler.handle(req, res);
    } catch (HarmontException e) {
      if (!res.isSent() && Idempotency.isStored(e.code().status())) {
        // Rendered here rather than by the error mapper, so that the answer is recorded too.
        errors.send(res, requestId, e);
        return;
      }
      releaseUnlessAnswered(attempt, res, e);
      throw e;
    } catch (Exception | Error e) {
      releaseUnlessAnswered(attempt, res, e);
      throw e;
    } finally {
      res.intercept(null);
    }
    releaseUnlessAnswered(attempt, res, null);
  }

  /**
   * Stores the answer about to be sent. Failing to store it must not lose it: the request was
   * carried out, so the answer still goes out, and the key is released (a retry runs again; it
   * cannot be refused forever).
   */
  private void keep(Attempt attempt, Answer answer) {
    try {
      idempotency.complete(attempt, answer);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "could not store an idempotent answer; its key is released", e);
      release(attempt, e);
    }
  }

  private void releaseUnlessAnswered(Attempt attempt, Response res, Throwable failure) {
    if (!res.isSent()) {
      release(attempt, failure);
    }
  }

  /**
   * Frees the key. When even that fails (the database is away), the pending record is taken to be
   * abandoned after {@link Idempotency#ABANDONED_AFTER}.
   */
  private void release(Attempt attempt, Throwable failure) {
    try {
      idempotency.release(attempt);
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        LOG.log(Level.WARNING, "could not release an idempotency key", e);
      }
    }
  }

  private static void replay(Response res, Answer answer) {
    res.status(answer.status());
    if (answer.requestId() != null) {
      // The first request's id, as its body's error.request_id says: the one that did the work.
      res.header(RequestId.HEADER, answer.requestId());
    }
    res.header("Idempotent-Replayed", "true");
    if (answer.contentType() != null) {
      res.header("Content-Type", answer.contentType());
    }
    if (answer.body().length == 0) {
      res.send();
    } else {
      res.send(answer.body());
    }
  }
}
