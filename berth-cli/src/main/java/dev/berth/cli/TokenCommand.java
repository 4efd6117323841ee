package dev.berth.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Short-lived credentials for CI jobs, scoped to one namespace (like a CI job token).",
    subcommands = {TokenCommand.Create.class, TokenCommand.Ls.class, TokenCommand.Revoke.class})
final class TokenCommand {

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = {"Create a CI token: berth token create --ci --push hoge/fuga --ttl 1h",
          "The secret is printed once and only its hash is kept. Use it as the password with any user name:",
          "  echo \"$TOKEN\" | docker login REGISTRY -u ci-token --password-stdin"})
  static final class Create implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAMESPACE", description = "Repository-name prefix the token is limited to.") String namespace;
    @Option(names = "--ci", description = "A CI job token (the only kind for now).") boolean ci;
    @Option(names = "--pull", description = "Allow pull.") boolean pull;
    @Option(names = "--push", description = "Allow push (and pull).") boolean push;
    @Option(names = "--delete", description = "Allow delete (and pull).") boolean delete;
    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h", description = "Lifetime, e.g. 30m, 1h, 7d (default 1h, at most 90d).") String ttl;
    @Option(names = "--owner", paramLabel = "USER", defaultValue = "admin", description = "User whose rights the token is limited by (default admin).") String owner;
    @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for (shown by 'berth token ls').") String description;

    @Override
    public void run() {
      Set<String> actions = new LinkedHashSet<>();
      if (pull) actions.add("pull");
      if (push) actions.add("push");
      if (delete) actions.add("delete");
      if (actions.isEmpty()) throw new UserError("say what the token may do: --pull, --push and/or --delete");
      String ns = GrantCommand.checkNamespace(namespace);
      Duration d = new ServeSettings().duration("--ttl", ttl);
      if (d.compareTo(Duration.ofDays(90)) > 0) throw new UserError("--ttl " + ttl + " is longer than 90 days; CI tokens are meant to be short-lived");
      Map<String, Object> t;
      try (AdminOps ops = data.admin()) {
        t = ops.createToken(actions, ns, d, owner, description);
      }
      System.out.println(t.get("secret"));
      System.err.println("CI token #" + t.get("id") + ": " + String.join(",", actions) + " on " + (ns.isEmpty() ? "every repository" : ns)
          + ", limited by the rights of user \"" + owner + "\", expires " + t.get("expires") + ". Shown once; use it as a password:");
      System.err.println("  echo \"$BERTH_TOKEN\" | docker login REGISTRY -u ci-token --password-stdin");
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List CI tokens (never their secrets).")
  static final class Ls implements Runnable {
    @Mixin DataDir data;

    @Override
    public void run() {
      try (AdminOps ops = data.admin()) {
        System.out.printf("%-5s %-12s %-14s %-28s %-22s %s%n", "ID", "OWNER", "ACTIONS", "NAMESPACE", "EXPIRES", "STATE");
        Instant now = Instant.now();
        for (Map<String, Object> t : ops.tokens()) {
          Instant expires = Instant.parse((String) t.get("expires"));
          String state = t.get("revoked") != null ? "revoked" : expires.isBefore(now) ? "expired" : "active";
          System.out.printf("%-5s %-12s %-14s %-28s %-22s %s%s%n", t.get("id"), t.get("owner"), String.join(",", ((java.util.List<?>) t.get("actions")).stream().map(Object::toString).toList()),
              t.get("namespace"), expires.truncatedTo(java.time.temporal.ChronoUnit.SECONDS), state,
              t.get("description") == null ? "" : "  " + t.get("description"));
        }
      }
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a CI token at once.")
  static final class Revoke implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "ID") long id;

    @Override
    public void run() {
      try (AdminOps ops = data.admin()) {
        ops.revokeToken(id);
      }
      System.out.println("revoked CI token #" + id);
    }
  }
}
