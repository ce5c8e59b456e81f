package dev.harmont.cli;

import java.io.PrintWriter;
import java.util.List;

/** Plain-text tables for people: columns padded to their widest cell, two spaces apart. */
final class Tables {
  private Tables() {}

  /** Prints {@code rows} (the first one is the header) to {@code out}. */
  static void print(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(row[i]);
        if (i < row.length - 1) {
          line.append(" ".repeat(widths[i] - row[i].length() + 2));
        }
      }
      out.println(line);
    }
  }
}
