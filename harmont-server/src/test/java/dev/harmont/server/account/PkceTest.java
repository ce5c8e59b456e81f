package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PkceTest {
  // RFC 7636 appendix B.
  private static final String VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  private static final String CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

  @Test
  void s256MatchesTheRfcExample() {
    assertThat(Pkce.s256(VERIFIER)).isEqualTo(CHALLENGE);
    assertThat(Pkce.isChallenge(CHALLENGE)).isTrue();
    assertThat(Pkce.isVerifier(VERIFIER)).isTrue();
  }

  @Test
  void shapesAreExactlyThoseOfTheRfc() {
    assertThat(Pkce.isChallenge(CHALLENGE + "=")).isFalse();
    assertThat(Pkce.isChallenge(CHALLENGE.substring(1))).isFalse();
    assertThat(Pkce.isChallenge(CHALLENGE.replace('-', '+'))).isFalse();
    assertThat(Pkce.isChallenge(null)).isFalse();
    assertThat(Pkce.isVerifier("a".repeat(42))).isFalse();
    assertThat(Pkce.isVerifier("a".repeat(43))).isTrue();
    assertThat(Pkce.isVerifier("a.b_c~d-".repeat(16))).isTrue(); // 128
    assertThat(Pkce.isVerifier("a".repeat(129))).isFalse();
    assertThat(Pkce.isVerifier(VERIFIER.replace('-', '+'))).isFalse();
    assertThat(Pkce.isVerifier(VERIFIER + "é")).isFalse();
    assertThat(Pkce.isVerifier(null)).isFalse();
  }

  @Test
  void onlyLoopbackRedirects() {
    assertThat(CliGrants.isLoopbackRedirect("http://127.0.0.1:4242/callback")).isTrue();
    assertThat(CliGrants.isLoopbackRedirect("http://127.0.0.1.evil.example:4242/")).isFalse();
    assertThat(CliGrants.isLoopbackRedirect("http://localhost:4242")).isTrue();
    assertThat(CliGrants.isLoopbackRedirect("HTTP://127.0.0.1:4242/")).isFalse();
    assertThat(CliGrants.isLoopbackRedirect(null)).isFalse();
  }
}
