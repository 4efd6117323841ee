package dev.berth.cli;

import dev.berth.server.auth.Passwords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "user", mixinStandardHelpOptions = true,
    description = {"Manage the registry's users and robot accounts (in its data directory; works while the server runs)."},
    subcommands = {UserCommand.Add.class, UserCommand.Rm.class, UserCommand.Passwd.class, UserCommand.Ls.class, UserCommand.ImportHtpasswd.class})
final class UserCommand {
  static final String NAME_RULE = "[a-z0-9][a-z0-9._-]{0,63}";

  static void checkName(String name) {
    if (!name.matches(NAME_RULE)) {
      throw new UserError("user name \"" + name + "\" is not valid: 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
    }
  }

  static String passwordFor(String name, boolean stdin) {
    String pw = Secrets.read(stdin, "Password for " + name + ": ");
    if (pw != null && pw.length() < 8) throw new UserError("the password is too short: use at least 8 characters");
    return pw;
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user. Without --password-stdin a password is generated and printed once.")
  static final class Add implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--password-stdin", description = "Read the password from standard input.") boolean stdin;
    @Option(names = "--robot", description = "A robot account (for CI and automation).") boolean robot;
    @Option(names = "--admin", description = "An administrator: may do everything, everywhere.") boolean admin;

    @Override
    public void run() {
      checkName(name);
      String pw = stdin ? passwordFor(name, true) : null;
      String generated;
      try (AdminOps ops = data.admin()) {
        generated = ops.addUser(name, pw, robot, admin);
      }
      System.out.println("created " + (robot ? "robot" : "user") + " \"" + name + "\"" + (admin ? " (administrator)" : ""));
      if (generated != null) System.out.println("password (shown once): " + generated);
      if (!admin) System.out.println("it has no access yet; grant some, e.g.: berth grant push NAMESPACE " + name);
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a user, with its grants and CI tokens.")
  static final class Rm implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAME") String name;

    @Override
    public void run() {
      try (AdminOps ops = data.admin()) {
        ops.removeUser(name);
      }
      System.out.println("deleted user \"" + name + "\" with its grants and tokens");
    }
  }

  @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password (logins made with the old one stop working).")
  static final class Passwd implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAME") String name;
    @Option(names = "--password-stdin", description = "Read the password from standard input.") boolean stdin;

    @Override
    public void run() {
      String pw = passwordFor(name, stdin);
      String generated;
      try (AdminOps ops = data.admin()) {
        generated = ops.setPassword(name, pw);
      }
      System.out.println("password of \"" + name + "\" changed");
      if (generated != null) System.out.println("new password (shown once): " + generated);
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List users with their grants.")
  static final class Ls implements Runnable {
    @Mixin DataDir data;

    @Override
    public void run() {
      try (AdminOps ops = data.admin()) {
        System.out.printf("%-24s %-6s %-6s %s%n", "NAME", "KIND", "ADMIN", "GRANTS");
        for (Map<String, Object> u : ops.users()) {
          List<String> g = new java.util.ArrayList<>();
          for (Object o : (List<?>) u.get("grants")) {
            Map<?, ?> m = (Map<?, ?>) o;
            g.add(m.get("action") + " " + m.get("namespace"));
          }
          System.out.printf("%-24s %-6s %-6s %s%n", u.get("name"), Boolean.TRUE.equals(u.get("robot")) ? "robot" : "user",
              Boolean.TRUE.equals(u.get("admin")) ? "yes" : "", String.join(", ", g));
        }
      }
    }
  }

  @Command(name = "import-htpasswd", mixinStandardHelpOptions = true,
      description = "Create users from an htpasswd file with bcrypt entries (htpasswd -B); existing users are kept.")
  static final class ImportHtpasswd implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "FILE") Path file;

    @Override
    public void run() {
      List<String> lines;
      try {
        lines = Files.readAllLines(file);
      } catch (java.io.IOException e) {
        throw new UserError("cannot read " + file + ": " + e.getMessage());
      }
      int added = 0;
      int n = 0;
      if (data.server != null) throw new UserError("import-htpasswd works on a data directory (--data), not through --server");
      try (var s = data.open()) {
        for (String line : lines) {
          n++;
          String l = line.trim();
          if (l.isEmpty() || l.startsWith("#")) continue;
          int colon = l.indexOf(':');
          if (colon <= 0) throw new UserError(file + " line " + n + ": not NAME:HASH");
          String name = l.substring(0, colon);
          String hash = l.substring(colon + 1);
          if (!Passwords.isBcrypt(hash)) {
            throw new UserError(file + " line " + n + ": the entry of \"" + name + "\" is not a bcrypt hash ($2y$…); only bcrypt is accepted (create with htpasswd -B)");
          }
          checkName(name);
          if (s.auth().addUser(name, hash.replaceFirst("^\\$2y\\$", "\\$2b\\$"), false, false)) {
            added++;
          } else {
            System.out.println("kept existing user \"" + name + "\"");
          }
        }
      }
      System.out.println("imported " + added + " user(s) from " + file + "; grant them access with: berth grant ACTION NAMESPACE NAME");
    }
  }
}
