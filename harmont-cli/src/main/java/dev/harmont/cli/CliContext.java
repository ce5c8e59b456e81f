package dev.harmont.cli;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.util.Map;

/**
 * What every command gets from outside: where data goes (stdout), where messages go (stderr), the
 * environment, the terminal (for confirmations and hidden prompts), standard input and the browser
 * ({@code login --web}). Tests pass their own.
 */
record CliContext(
    PrintWriter out,
    PrintWriter err,
    Map<String, String> env,
    Terminal terminal,
    BufferedReader in,
    Browser browser) {}
