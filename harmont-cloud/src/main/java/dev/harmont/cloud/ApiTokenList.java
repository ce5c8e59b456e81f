package dev.harmont.cloud;

import java.util.List;

/**
 * Every personal API key of the current user, as returned by {@link HarmontClient#listApiTokens()}
 * (the contract's {@code ApiTokenListResponse}). Session tokens are not listed, and no secret ever
 * is.
 *
 * @param apiTokens the keys, in the order the server sent them; an unmodifiable list
 */
public record ApiTokenList(List<ApiToken> apiTokens) {
  /**
   * Copies the list, so the record stays immutable.
   *
   * @throws NullPointerException if the list or one of its elements is null
   */
  public ApiTokenList {
    apiTokens = List.copyOf(apiTokens);
  }
}
