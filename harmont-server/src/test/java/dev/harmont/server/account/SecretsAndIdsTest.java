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
  void personalKeysAre43Base62CharactersAndTheirChecksumWithThePrefix() {
    String key = secrets.mint(TokenKind.PERSONAL);

    assertThat(key).matches("hm_[0-9A-Za-z]{49}").hasSize(Secrets.PERSONAL_LENGTH);
    assertThat(key.substring(46)).isEqualTo(Secrets.checksum(key.substring(3, 46)));
    assertThat(Secrets.checksumMatches(key)).isTrue();
    assertThat(Secrets.hint(key)).isEqualTo(key.substring(48));
    // 43 characters of 62 symbols carry at least 256 bits.
    assertThat(43 * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(256);
  }

  @Test
  void randomCharactersComeFromBytesBelow248OnlySoEveryCharacterIsEquallyLikely() {
    // Bytes 0, 1, 2, …, 255, 0, 1, …: 248..255 must be skipped, b % 62 used for the rest.
    SecureRandom counting =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;
          private int next;

          @Override
          public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
              bytes[i] = (byte) (next++ & 0xff);
            }
          }
        };
    Secrets fixed = new Secrets(counting);
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 43; i++) {
      expected.append(Secrets.BASE62.charAt(i % 62));
    }
    assertThat(fixed.mint(TokenKind.PERSONAL)).startsWith("hm_" + expected);

    // Only bytes 240..255: 248..255 (which would give 0..7, twice as often as the others) are
    // drawn again, so only 240..247 → 's'..'z' appear.
    SecureRandom high =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;
          private int next;

          @Override
          public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) {
              bytes[i] = (byte) (240 + (next++ % 16));
            }
          }
        };
    String key = new Secrets(high).mint(TokenKind.PERSONAL);
    assertThat(key.substring(3, 46)).matches("[s-z]{43}");
    assertThat(Secrets.checksumMatches(key)).isTrue();
  }

  @Test
  void aChangedCharacterOrAnOldFormatKeyFailsTheChecksum() {
    String key = secrets.mint(TokenKind.PERSONAL);
    char last = key.charAt(10);
    String typo = key.substring(0, 10) + (last == 'a' ? 'b' : 'a') + key.substring(11);

    assertThat(Secrets.checksumMatches(typo)).isFalse();
    assertThat(Secrets.hasChecksummedShape(typo)).isTrue();
    String old = "hm_" + "A".repeat(43);
    assertThat(Secrets.hasChecksummedShape(old)).isFalse();
    assertThat(Secrets.hint(old)).isNull();
    assertThat(Secrets.checksum("0".repeat(43))).hasSize(6).matches("[0-9A-Za-z]{6}");
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
