package dev.berth.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the berth jar. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    ServeCommand serve = ServeCommand.parseSimple(args);
    if (serve != null) {
      // what picocli's execute() does with the command, without building picocli's model
      try {
        return serve.call();
      } catch (UserError e) {
        System.err.println("berth: " + e.getMessage());
        return e.exitCode();
      } catch (Exception e) {
        e.printStackTrace();
        return 1;
      }
    }
    return commandLine(args).execute(args);
  }

  /** The command line for {@code args}: with only the subcommand {@code args[0]} names, if it names one. */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new BerthCommand());
    Class<?> only = args.length == 0 ? null : named(args[0]);
    for (Class<?> sub : BerthCommand.SUBCOMMANDS) {
      if (only == null || sub == only) cl.addSubcommand(sub);
    }
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      if (ex instanceof UserError ue) {
        commandLine.getErr().println("berth: " + ue.getMessage());
        return ue.exitCode();
      }
      throw ex;
    });
    return cl;
  }

  /** The subcommand class named {@code name} (or one of its aliases); null for none and for "help". */
  private static Class<?> named(String name) {
    for (Class<?> sub : BerthCommand.SUBCOMMANDS) {
      if (sub == CommandLine.HelpCommand.class) continue;
      Command c = sub.getAnnotation(Command.class);
      if (c.name().equals(name) || java.util.Arrays.asList(c.aliases()).contains(name)) return sub;
    }
    return null;
  }
}
