package dev.harmont.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JdbcTargetTest {
  private static final Path DIR = Path.of("/nonexistent");

  private static JdbcTarget target(String url, String user, String password) {
    return JdbcTarget.of(new DatabaseSettings(DIR, url, user, password, 8));
  }

  @Test
  void aUrlWithoutCredentialsTakesThemFromTheSettings() {
    JdbcTarget t = target("jdbc:postgresql://db:5432/harmont", "harmont", "s3cret");

    assertThat(t)
        .isEqualTo(new JdbcTarget("jdbc:postgresql://db:5432/harmont", "harmont", "s3cret"));
  }

  @Test
  void credentialsBeforeTheHostAreMovedOutAndPercentDecoded() {
    JdbcTarget t =
        target("jdbc:postgresql://alice:p%40ss+w%3Ard@db:5432/harmont?sslmode=require", null, null);

    assertThat(t.url()).isEqualTo("jdbc:postgresql://db:5432/harmont?sslmode=require");
    assertThat(t.user()).isEqualTo("alice");
    assertThat(t.password()).isEqualTo("p@ss+w:rd");
  }

  @Test
  void aUserBeforeAnIpv6HostNeedsNoPassword() {
    JdbcTarget t = target("jdbc:postgresql://alice@[::1]:5432/harmont", null, null);

    assertThat(t).isEqualTo(new JdbcTarget("jdbc:postgresql://[::1]:5432/harmont", "alice", null));
  }

  @Test
  void credentialParametersAreMovedOutAndTheOthersKept() {
    JdbcTarget t =
        target(
            "jdbc:postgresql://db/harmont?user=alice&currentSchema=s1&password=p%26w+x&ssl=true",
            null, null);

    assertThat(t.url()).isEqualTo("jdbc:postgresql://db/harmont?currentSchema=s1&ssl=true");
    assertThat(t.user()).isEqualTo("alice");
    // Decoded the way pgjdbc decodes parameters, where + is a space.
    assertThat(t.password()).isEqualTo("p&w x");
  }

  @Test
  void noQuestionMarkIsLeftWhenOnlyCredentialsWereParameters() {
    assertThat(target("jdbc:postgresql:harmont?user=alice&password=pw", null, null))
        .isEqualTo(new JdbcTarget("jdbc:postgresql:harmont", "alice", "pw"));
  }

  @Test
  void theSameValueInBothPlacesIsFineAndBlankSettingsAreUnset() {
    assertThat(target("jdbc:postgresql://db/h?user=alice", "alice", " "))
        .isEqualTo(new JdbcTarget("jdbc:postgresql://db/h", "alice", null));
  }

  @Test
  void aUserGivenDifferentlyInUrlAndSettingIsRefusedWithoutGuessing() {
    assertThatThrownBy(() -> target("jdbc:postgresql://db/h?user=alice", "bob", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--database-user")
        .hasMessageContaining("HARMONT_DATABASE_USER");
  }

  @Test
  void aPasswordGivenDifferentlyIsRefusedAndNeitherValueIsShown() {
    assertThatThrownBy(() -> target("jdbc:postgresql://alice:first@db/h", null, "second"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--database-password")
        .message()
        .doesNotContain("first")
        .doesNotContain("second");
    assertThatThrownBy(
            () -> target("jdbc:postgresql://alice:first@db/h?password=second", null, null))
        .hasMessageContaining("twice in the database URL")
        .message()
        .doesNotContain("first")
        .doesNotContain("second");
  }

  @Test
  void sqliteUrlsAreLeftAlone() {
    assertThat(target("jdbc:sqlite:/data/harmont.db?user=x", null, ""))
        .isEqualTo(new JdbcTarget("jdbc:sqlite:/data/harmont.db?user=x", null, null));
  }

  @Test
  void itsTextNeverShowsThePassword() {
    assertThat(target("jdbc:postgresql://alice:s3cret@db/h", null, null).toString())
        .contains("alice")
        .doesNotContain("s3cret");
  }

  @Test
  void openRefusesConflictingCredentialsBeforeConnecting() {
    DatabaseSettings settings =
        new DatabaseSettings(DIR, "jdbc:postgresql://127.0.0.1:1/none?user=alice", "bob", null, 2);

    assertThatThrownBy(() -> Database.open(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("database user");
  }
}
