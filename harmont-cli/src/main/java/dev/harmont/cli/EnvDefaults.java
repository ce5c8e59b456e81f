package dev.harmont.cli;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Gives every long option a {@code HARMONT_*} environment variable as its default: {@code
 * --data-dir} reads {@code HARMONT_DATA_DIR}, {@code --port} reads {@code HARMONT_PORT}. A flag on
 * the command line wins over the variable, the variable over the built-in default (the option's
 * {@code defaultValue}, or for a duration or an enum its {@link DerivedDefaults}). The environment
 * is passed in (not read globally) so tests can set it.
 */
final class EnvDefaults implements IDefaultValueProvider {
  private final Map<String, String> env;

  EnvDefaults(Map<String, String> env) {
    this.env = env;
  }

  /** The variable that sets a long option, e.g. {@code --api-url} → {@code HARMONT_API_URL}. */
  static String variableFor(String longName) {
    return "HARMONT_" + longName.replaceFirst("^--", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (arg instanceof OptionSpec option && option.longestName().startsWith("--")) {
      String name = option.longestName();
      if (name.equals("--help") || name.equals("--version") || name.equals("--yes")) {
        return null;
      }
      String value = env.get(variableFor(name));
      if (value != null && !value.isBlank()) {
        return value;
      }
      return DerivedDefaults.forOption(name);
    }
    return null;
  }
}
