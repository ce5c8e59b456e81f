package dev.harmont.cloud;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Sends calls and applies the retry policy; shared by a client and every client derived from it
 * with {@link HarmontClient#withToken(String)}. Knows nothing of the operations: it returns a 2xx
 * response or throws the {@link HarmontException} for the failure.
 */
final class Transport {
  private static final System.Logger LOG = System.getLogger("dev.harmont.cloud");
  private static final String IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use";

  private final HttpClient http;
  private final String baseUrl;
  private final Duration requestTimeout;
  private final RetryPolicy retryPolicy;
  private final Sleeper sleeper;
  private final String userAgent;

  Transport(
      HttpClient http,
      String baseUrl,
      Duration requestTimeout,
      RetryPolicy retryPolicy,
      Sleeper sleeper,
      String userAgent) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.requestTimeout = requestTimeout;
    this.retryPolicy = retryPolicy;
    this.sleeper = sleeper;
    this.userAgent = userAgent;
  }

  String baseUrl() {
    return baseUrl;
  }

  HttpClient httpClient() {
    return http;
  }

  /**
   * Sends {@code call}, retrying idempotent calls (those with an idempotency key included); returns
   * the first 2xx response.
   */
  HttpResponse<byte[]> send(Call call, String token) {
    HttpRequest request = request(call, token);
    int retries = call.idempotent() ? retryPolicy.maxRetries() : 0;
    for (int attempt = 1; ; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        boolean timeout = e instanceof HttpTimeoutException;
        if (attempt <= retries) {
          Duration delay = retryPolicy.backoff(attempt);
          log(call, attempt, retries, e.getClass().getSimpleName(), delay);
          sleep(call, delay, attempt, token);
          continue;
        }
        throw Errors.noResponse(call, baseUrl, attempt, e, timeout, token);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Errors.noResponse(call, baseUrl, attempt, e, false, token);
      }

      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return response;
      }
      Optional<String> retryAfterHeader = response.headers().firstValue("Retry-After");
      if (attempt <= retries
          && ((RetryPolicy.isRetryableStatus(status)
                  && !Errors.refusedCredential(response.headers()))
              || keyInUse(call, status, response.body()))) {
        Optional<Duration> delay = retryPolicy.delayBeforeRetry(attempt, retryAfterHeader);
        if (delay.isPresent()) {
          log(call, attempt, retries, "HTTP " + status, delay.get());
          sleep(call, delay.get(), attempt, token);
          continue;
        }
      }
      Duration retryAfter = retryAfterHeader.flatMap(retryPolicy::parseRetryAfter).orElse(null);
      throw Errors.fromResponse(
          call, status, response.headers(), response.body(), retryAfter, token);
    }
  }

  /**
   * A 409 {@code idempotency_key_in_use}: this call's earlier attempt is still being carried out
   * (its answer was lost, not its work); a retry after {@code Retry-After} gets that attempt's
   * answer. Other 409s are final.
   */
  private static boolean keyInUse(Call call, int status, byte[] body) {
    if (call.idempotencyKey() == null || status != 409) {
      return false;
    }
    ApiError error = Wire.apiError(body);
    return error != null && IDEMPOTENCY_KEY_IN_USE.equals(error.code());
  }

  private HttpRequest request(Call call, String token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + call.path()))
            .timeout(requestTimeout)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .header("User-Agent", userAgent);
    if (call.idempotencyKey() != null) {
      // Built once per call: every attempt sends this same key.
      builder.header("Idempotency-Key", call.idempotencyKey());
    }
    if (call.body() == null) {
      builder.method(call.method(), HttpRequest.BodyPublishers.noBody());
    } else {
      builder
          .header("Content-Type", "application/json")
          .method(call.method(), HttpRequest.BodyPublishers.ofByteArray(call.body()));
    }
    return builder.build();
  }

  private void sleep(Call call, Duration delay, int attempt, String token) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.noResponse(call, baseUrl, attempt, e, false, token);
    }
  }

  private static void log(Call call, int attempt, int retries, String why, Duration delay) {
    // Method, path and cause only: never headers, so never the token.
    LOG.log(
        Level.DEBUG,
        () ->
            "Retrying "
                + call
                + " after "
                + why
                + " in "
                + delay.toMillis()
                + " ms (retry "
                + attempt
                + " of "
                + retries
                + ")");
  }
}
