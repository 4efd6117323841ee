package dev.berth.cli;

import picocli.CommandLine;

/** Entry point of the berth jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    CommandLine cl = new CommandLine(new BerthCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof UserError ue) {
        commandLine.getErr().println("berth: " + ue.getMessage());
        return ue.exitCode();
      }
      throw ex;
    });
    return cl.execute(args);
  }
}
