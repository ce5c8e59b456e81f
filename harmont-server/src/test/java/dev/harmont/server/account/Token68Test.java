package dev.harmont.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written token68 check agrees with the grammar's regular expression. */
class Token68Test {
  private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9._~+/-]+=*");

  @Property(tries = 3000)
  void agreesWithTheGrammar(@ForAll("nearlyTokens") String s) {
    assertThat(Secrets.isToken68(s)).isEqualTo(GRAMMAR.matcher(s).matches());
  }

  @Provide
  Arbitrary<String> nearlyTokens() {
    // Mostly token characters, with the ones that break it mixed in.
    return Arbitraries.strings().withChars("aZ09._~+/-= \t\"%,:é").ofMinLength(0).ofMaxLength(12);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hm_abc", "abc==", "a.b~c+d/e-f_g", "Zz09"})
  void tokens(String s) {
    assertThat(Secrets.isToken68(s)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "=", "==abc", "ab=c", "a b", "a\tb", "abc=é", "hm_ab,c"})
  void notTokens(String s) {
    assertThat(Secrets.isToken68(s)).isFalse();
  }
}
