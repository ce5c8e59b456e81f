package dev.harmont.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harmont.server.ServerConfig;
import dev.harmont.server.store.DatabaseSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code harmont serve} without flags or variables configures the server exactly as its own
 * defaults do: the command line reads every default from the server's constants.
 */
class ServeDefaultsTest {
  private static ServerConfig parsed(Map<String, String> env, String... args) {
    CommandLine cli =
        Cli.serve(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), env);
    cli.parseArgs(args);
    ServeCommand serve = cli.getCommand();
    return serve.config();
  }

  @Test
  void withoutFlagsOrVariablesTheServerGetsItsOwnDefaults() {
    ServerConfig fromCli = parsed(Map.of());
    ServerConfig defaults = ServerConfig.builder().database(fromCli.database()).build();

    assertThat(fromCli.host()).isEqualTo(defaults.host());
    assertThat(fromCli.port()).isEqualTo(defaults.port());
    assertThat(fromCli.publicUrl()).isEqualTo(defaults.publicUrl());
    assertThat(fromCli.maxBodyBytes()).isEqualTo(defaults.maxBodyBytes());
    assertThat(fromCli.maxHeaderBytes()).isEqualTo(defaults.maxHeaderBytes());
    assertThat(fromCli.maxJsonDepth()).isEqualTo(defaults.maxJsonDepth());
    assertThat(fromCli.maxJsonStringLength()).isEqualTo(defaults.maxJsonStringLength());
    assertThat(fromCli.authFailureLimit()).isEqualTo(defaults.authFailureLimit());
    assertThat(fromCli.authFailureWindow()).isEqualTo(defaults.authFailureWindow());
    assertThat(fromCli.trustedProxies()).isEqualTo(defaults.trustedProxies());
    assertThat(fromCli.corsOrigins()).isEqualTo(defaults.corsOrigins());
    assertThat(fromCli.metricsAddress()).isEqualTo(defaults.metricsAddress());
    assertThat(fromCli.eventPruneInterval()).isEqualTo(defaults.eventPruneInterval());
    assertThat(fromCli.account()).isEqualTo(defaults.account());
    assertThat(fromCli.database().poolSize()).isEqualTo(DatabaseSettings.DEFAULT_POOL_SIZE);
    assertThat(fromCli.database().sqliteSynchronous())
        .isEqualTo(DatabaseSettings.DEFAULT_SQLITE_SYNCHRONOUS);
  }

  @Test
  void aVariableStillWinsOverADerivedDefaultAndAFlagOverTheVariable() {
    Map<String, String> env =
        Map.of("HARMONT_SESSION_TTL", "30m", "HARMONT_AUTH_FAILURE_WINDOW_SECONDS", "5");

    ServerConfig fromEnv = parsed(env);
    ServerConfig fromFlag = parsed(env, "--session-ttl", "2h");

    assertThat(fromEnv.account().sessionTtl()).hasMinutes(30);
    assertThat(fromEnv.authFailureWindow()).hasSeconds(5);
    assertThat(fromFlag.account().sessionTtl()).hasHours(2);
  }
}
