package dev.berth.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Reads a password from standard input or the terminal, never from the command line. */
final class Secrets {
  private Secrets() {}

  static String read(boolean fromStdin, String prompt) {
    if (fromStdin) {
      try {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) throw new UserError("--password-stdin: nothing was read from standard input");
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
      } catch (IOException e) {
        throw new UserError("cannot read the password from standard input: " + e.getMessage());
      }
    }
    Console console = System.console();
    if (console == null) return null;
    char[] pw = console.readPassword("%s", prompt);
    return pw == null || pw.length == 0 ? null : new String(pw);
  }
}
