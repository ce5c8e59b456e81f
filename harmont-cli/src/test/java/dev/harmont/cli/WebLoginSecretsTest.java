package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The random values of {@code login --web}: the PKCE verifier and its challenge, the state. */
class WebLoginSecretsTest {
  @Test
  void theChallengeIsS256OfTheVerifierAsInRfc7636AppendixB() {
    WebLoginSecrets secrets =
        new WebLoginSecrets("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "state");

    assertThat(secrets.challenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void verifierAndStateAre32RandomBytesInBase64url() {
    SecureRandom random = new SecureRandom();
    WebLoginSecrets one = WebLoginSecrets.random(random);
    WebLoginSecrets two = WebLoginSecrets.random(random);

    for (String value : new String[] {one.verifier(), one.state(), two.verifier()}) {
      assertThat(value).hasSize(43).matches("[A-Za-z0-9_-]{43}");
    }
    assertThat(one.verifier()).isNotEqualTo(one.state()).isNotEqualTo(two.verifier());
    assertThat(one.state()).isNotEqualTo(two.state());
    assertThat(one.challenge()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(two.challenge());
    assertThat(one.toString()).doesNotContain(one.verifier()).doesNotContain(one.state());
  }

  @Test
  void onlyTheExactStateMatches() {
    WebLoginSecrets secrets = WebLoginSecrets.random(new SecureRandom());

    assertThat(secrets.stateMatches(secrets.state())).isTrue();
    assertThat(secrets.stateMatches(secrets.state() + "x")).isFalse();
    assertThat(secrets.stateMatches(secrets.state().substring(1))).isFalse();
    assertThat(secrets.stateMatches("")).isFalse();
    assertThat(secrets.stateMatches(null)).isFalse();
  }
}
