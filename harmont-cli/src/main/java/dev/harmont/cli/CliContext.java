package dev.harmont.cli;

import java.io.PrintWriter;
import java.util.Map;

/**
 * What every command gets from outside: where data goes (stdout), where messages go (stderr), and
 * the environment. Tests pass their own.
 */
record CliContext(PrintWriter out, PrintWriter err, Map<String, String> env) {}
