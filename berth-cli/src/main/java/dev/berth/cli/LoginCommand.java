package dev.berth.cli;

import dev.berth.client.auth.Credential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "login", mixinStandardHelpOptions = true, description = {
    "Log in to a registry; docker and berth then share the login.",
    "The credentials go where docker keeps them: $DOCKER_CONFIG/config.json, or the credential helper",
    "named there by credsStore/credHelpers.",
    "The credentials are checked against the registry first (basic or token auth).",
    "",
    "Example (CI):  echo \"$TOKEN\" | berth login registry.example.com -u ci-bot --password-stdin"})
final class LoginCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REGISTRY", description = "host[:port]; docker.io when omitted", defaultValue = "docker.io")
  String registry;

  @Option(names = {"-u", "--username"}, paramLabel = "USER") String username;

  @Option(names = "--password-stdin", description = "Read the password (or token) from standard input.") boolean passwordStdin;

  @Override
  public Integer call() {
    return options.run(() -> {
      String user = username;
      String password;
      java.io.Console console = System.console();
      if (passwordStdin) {
        if (user == null) throw new UserError("--password-stdin needs --username (-u)");
        password = readStdin();
      } else {
        if (console == null || !ProgressPrinter.isTerminal()) {
          throw new UserError("no terminal to ask for the password: pass it on standard input with -u USER --password-stdin");
        }
        if (user == null) user = console.readLine("Username: ");
        char[] p = console.readPassword("Password: ");
        password = p == null ? "" : new String(p);
      }
      if (user == null || user.isBlank()) throw new UserError("a user name is needed (-u USER)");
      if (password.isEmpty()) throw new UserError("the password is empty");
      String where = options.client().login(registry, Credential.basic(user, password, "login"), ClientOptions.dockerConfig());
      if (options.json) System.out.println(Json.object().put("registry", registry).put("username", user).put("storedIn", where));
      else if (!options.quiet) System.out.println("Login succeeded for " + user + " at " + registry + " (stored in " + where + ")");
      return 0;
    });
  }

  private static String readStdin() throws IOException {
    String s = new String(System.in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
    // like docker: strip one trailing newline (and CR)
    if (s.endsWith("\n")) s = s.substring(0, s.length() - 1);
    if (s.endsWith("\r")) s = s.substring(0, s.length() - 1);
    return s;
  }
}
