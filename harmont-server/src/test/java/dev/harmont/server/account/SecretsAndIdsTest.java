package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretsAndIdsTest {
  private final Secrets secrets = new Secrets(new SecureRandom());

  @Test
  void personalKeysAre32RandomBytesBase64UrlWithThePrefix() {
    String key = secrets.mint(TokenKind.PERSONAL);

    assertThat(key).matches("hm_[A-Za-z0-9_-]{43}");
    assertThat(java.util.Base64.getUrlDecoder().decode(key.substring(3))).hasSize(32);
  }

  @Test
  void sessionTokensHaveNoPrefix() {
    assertThat(secrets.mint(TokenKind.SESSION)).matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void secretsDoNotRepeat() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      seen.add(secrets.mint(TokenKind.PERSONAL));
    }
    assertThat(seen).hasSize(10_000);
  }

  @Test
  void hashIsLowercaseHexSha256() {
    assertThat(Secrets.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void idsAreVersion7AndIncreaseEvenWhenTheClockStandsStill() {
    Ids ids = new Ids(new SecureRandom());
    Instant frozen = Instant.parse("2026-01-01T00:00:00Z");
    UUID previous = ids.next(frozen);
    for (int i = 0; i < 10_000; i++) {
      UUID next = ids.next(frozen);
      assertThat(next.version()).isEqualTo(7);
      assertThat(next.variant()).isEqualTo(2);
      assertThat(next.toString()).isGreaterThan(previous.toString());
      previous = next;
    }
  }

  @Test
  void onlyCanonicalUuidsParse() {
    assertThat(Ids.parseOrNull("01a22539-8c98-7b21-8b9d-676de3bc15cb")).isNotNull();
    assertThat(Ids.parseOrNull("01a22539-8c98-7b21-8b9d-676de3bc15c")).isNull();
    assertThat(Ids.parseOrNull("1-1-1-1-1")).isNull();
    assertThat(Ids.parseOrNull("01a22539+8c98-7b21-8b9d-676de3bc15cb")).isNull();
    assertThat(Ids.parseOrNull(null)).isNull();
  }
}
