package dev.harmont.server;

import dev.harmont.server.account.AccountSettings;
import java.time.Duration;

/**
 * Every limit the server enforces, each with its own error code; the README's "Limits and
 * protections" table lists them with their defaults and flags.
 *
 * @param maxBodyBytes request body size → 413 {@code payload_too_large}
 * @param maxHeaderBytes request header block size → 431 {@code headers_too_large}
 * @param maxJsonDepth JSON nesting depth → 400 {@code body_invalid_json}
 * @param maxJsonStringLength characters in one JSON string → 400 {@code body_invalid_json}
 * @param maxLiveKeysPerUser personal API keys a user may hold at once → 409 {@code
 *     api_token_limit_reached}
 * @param maxDescriptionLength code points in a key description → 422 {@code
 *     api_token_description_invalid}
 * @param authFailureLimit refused credentials from one client address within {@code
 *     authFailureWindow} after which its refused credentials are answered 429 {@code rate_limited}
 *     instead of 401 (credentials that authenticate are always served); 0 switches it off
 * @param authFailureWindow the window of {@code authFailureLimit}
 */
public record Limits(
    int maxBodyBytes,
    int maxHeaderBytes,
    int maxJsonDepth,
    int maxJsonStringLength,
    int maxLiveKeysPerUser,
    int maxDescriptionLength,
    int authFailureLimit,
    Duration authFailureWindow) {

  public static final Limits DEFAULTS =
      new Limits(
          64 * 1024,
          16 * 1024,
          32,
          64 * 1024,
          AccountSettings.DEFAULT_MAX_LIVE_KEYS_PER_USER,
          AccountSettings.DEFAULT_MAX_DESCRIPTION_LENGTH,
          // A client that fails 60 times in a minute is guessing; scripts with a stale key stop
          // long before that.
          60,
          Duration.ofMinutes(1));

  public Limits {
    positive("maxBodyBytes", maxBodyBytes);
    positive("maxHeaderBytes", maxHeaderBytes);
    positive("maxJsonDepth", maxJsonDepth);
    positive("maxJsonStringLength", maxJsonStringLength);
    positive("maxLiveKeysPerUser", maxLiveKeysPerUser);
    positive("maxDescriptionLength", maxDescriptionLength);
    if (authFailureLimit < 0) {
      throw new IllegalArgumentException("authFailureLimit must be 0 (off) or more");
    }
    if (authFailureWindow == null || authFailureWindow.isNegative() || authFailureWindow.isZero()) {
      throw new IllegalArgumentException("authFailureWindow must be positive");
    }
  }

  public Limits withMaxBodyBytes(int value) {
    return new Limits(
        value,
        maxHeaderBytes,
        maxJsonDepth,
        maxJsonStringLength,
        maxLiveKeysPerUser,
        maxDescriptionLength,
        authFailureLimit,
        authFailureWindow);
  }

  public Limits withJson(int depth, int stringLength) {
    return new Limits(
        maxBodyBytes,
        maxHeaderBytes,
        depth,
        stringLength,
        maxLiveKeysPerUser,
        maxDescriptionLength,
        authFailureLimit,
        authFailureWindow);
  }

  public Limits withMaxLiveKeysPerUser(int value) {
    return new Limits(
        maxBodyBytes,
        maxHeaderBytes,
        maxJsonDepth,
        maxJsonStringLength,
        value,
        maxDescriptionLength,
        authFailureLimit,
        authFailureWindow);
  }

  public Limits withMaxDescriptionLength(int value) {
    return new Limits(
        maxBodyBytes,
        maxHeaderBytes,
        maxJsonDepth,
        maxJsonStringLength,
        maxLiveKeysPerUser,
        value,
        authFailureLimit,
        authFailureWindow);
  }

  /** {@code limit} failed authentications per client address within {@code window}; 0 is off. */
  public Limits withAuthFailures(int limit, Duration window) {
    return new Limits(
        maxBodyBytes,
        maxHeaderBytes,
        maxJsonDepth,
        maxJsonStringLength,
        maxLiveKeysPerUser,
        maxDescriptionLength,
        limit,
        window);
  }

  private static void positive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
