package dev.harmont.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harmont.server.account.AccountSettings;
import dev.harmont.server.account.AuthCacheSettings;
import dev.harmont.server.store.DatabaseSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
  private static final DatabaseSettings DATABASE = DatabaseSettings.embedded(Path.of("data"));

  private static ServerConfig.Builder base() {
    return ServerConfig.builder().database(DATABASE);
  }

  @Test
  void everySettingStartsAtItsNamedDefault() {
    ServerConfig config = base().build();

    assertThat(config.host()).isEqualTo(ServerConfig.DEFAULT_HOST);
    assertThat(config.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    assertThat(config.database()).isEqualTo(DATABASE);
    assertThat(config.publicUrl()).isNull();
    assertThat(config.api()).isEqualTo(ServerConfig.DEFAULT_API).isEqualTo(ApiMode.ALL);
    assertThat(config.maxBodyBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_BODY_BYTES);
    assertThat(config.maxHeaderBytes()).isEqualTo(ServerConfig.DEFAULT_MAX_HEADER_BYTES);
    assertThat(config.maxJsonDepth()).isEqualTo(ServerConfig.DEFAULT_MAX_JSON_DEPTH);
    assertThat(config.maxJsonStringLength()).isEqualTo(ServerConfig.DEFAULT_MAX_JSON_STRING_LENGTH);
    assertThat(config.authFailureLimit()).isEqualTo(ServerConfig.DEFAULT_AUTH_FAILURE_LIMIT);
    assertThat(config.authFailureWindow()).isEqualTo(ServerConfig.DEFAULT_AUTH_FAILURE_WINDOW);
    assertThat(config.trustedProxies()).isEmpty();
    assertThat(config.corsOrigins()).isEmpty();
    assertThat(config.metricsAddress()).isNull();
    assertThat(config.eventPruneInterval()).isEqualTo(ServerConfig.DEFAULT_EVENT_PRUNE_INTERVAL);
    assertThat(config.account()).isEqualTo(AccountSettings.DEFAULTS);
  }

  @Test
  void theAccountSettingsAreBuiltFromTheBuildersValues() {
    AuthCacheSettings cache = new AuthCacheSettings(Duration.ofSeconds(5), 10);
    ServerConfig config =
        base()
            .maxLiveKeysPerUser(3)
            .maxDescriptionLength(10)
            .sessionTtl(Duration.ofMinutes(30))
            .eventRetention(Duration.ofDays(1))
            .authCache(cache)
            .build();

    assertThat(config.account())
        .isEqualTo(new AccountSettings(3, 10, Duration.ofMinutes(30), Duration.ofDays(1), cache));
  }

  @Test
  void toBuilderKeepsEveryValueAndChangesNothingOfTheOriginal() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    ServerConfig original =
        base()
            .host("0.0.0.0")
            .port(0)
            .publicUrl("https://api.example.org")
            .maxBodyBytes(1024)
            .maxJsonDepth(4)
            .authFailureLimit(0)
            .trustedProxies(List.of("10.0.0.1"))
            .corsOrigins(List.of("*"))
            .metricsAddress(new ListenAddress("127.0.0.1", 9464))
            .clock(clock)
            .sessionTtl(Duration.ofHours(1))
            .build();

    ServerConfig variant = original.toBuilder().port(9000).build();

    assertThat(variant.port()).isEqualTo(9000);
    assertThat(original.port()).isZero();
    assertThat(variant.host()).isEqualTo("0.0.0.0");
    assertThat(variant.publicUrl()).isEqualTo("https://api.example.org");
    assertThat(variant.maxBodyBytes()).isEqualTo(1024);
    assertThat(variant.maxJsonDepth()).isEqualTo(4);
    assertThat(variant.authFailureLimit()).isZero();
    assertThat(variant.trustedProxies()).containsExactly("10.0.0.1");
    assertThat(variant.corsOrigins()).containsExactly("*");
    assertThat(variant.metricsAddress()).isEqualTo(new ListenAddress("127.0.0.1", 9464));
    assertThat(variant.clock()).isSameAs(clock);
    assertThat(variant.account()).isEqualTo(original.account());
  }

  @Test
  void aBuilderChangedAfterBuildDoesNotChangeWhatItBuilt() {
    List<String> origins = new ArrayList<>(List.of("https://a.example.org"));
    ServerConfig.Builder builder = base().corsOrigins(origins);
    ServerConfig config = builder.build();

    builder.port(1).corsOrigins(List.of());
    origins.add("https://b.example.org");

    assertThat(config.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    assertThat(config.corsOrigins()).containsExactly("https://a.example.org");
  }

  @Test
  void theDatabaseIsRequired() {
    assertThatThrownBy(() -> ServerConfig.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("database");
  }

  @Test
  void aValueOutOfRangeIsRefusedByName() {
    assertThatThrownBy(() -> base().maxBodyBytes(0).build()).hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> base().maxHeaderBytes(-1).build())
        .hasMessageContaining("maxHeaderBytes");
    assertThatThrownBy(() -> base().authFailureLimit(-1).build())
        .hasMessageContaining("authFailureLimit");
    assertThatThrownBy(() -> base().authFailureWindow(Duration.ZERO).build())
        .hasMessageContaining("authFailureWindow");
    assertThatThrownBy(() -> base().port(65_536).build()).hasMessageContaining("port");
    assertThatThrownBy(() -> base().maxLiveKeysPerUser(0).build())
        .hasMessageContaining("maxLiveKeysPerUser");
    assertThatThrownBy(() -> base().sessionTtl(AccountSettings.MAX_SESSION_TTL.plusDays(1)).build())
        .hasMessageContaining("sessionTtl");
  }
}
