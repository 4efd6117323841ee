package dev.berth.cli;

import dev.berth.oci.RepositoryName;
import dev.berth.server.auth.Policy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "grant", mixinStandardHelpOptions = true,
    description = {"Give a user an action on a namespace: berth grant push hoge/fuga ci-bot.",
        "ACTION is pull, push (implies pull), delete (implies pull) or admin (everything).",
        "NAMESPACE is a repository-name prefix ('hoge/fuga' covers 'hoge/fuga/app'); '*' is every repository."})
final class GrantCommand implements Runnable {
  @Mixin DataDir data;
  @Parameters(index = "0", paramLabel = "ACTION") String action;
  @Parameters(index = "1", paramLabel = "NAMESPACE") String namespace;
  @Parameters(index = "2", paramLabel = "USER") String user;

  static String checkAction(String action) {
    if (!Policy.ACTIONS.contains(action)) throw new UserError("unknown action \"" + action + "\"; use pull, push, delete or admin");
    return action;
  }

  static String checkNamespace(String ns) {
    if (ns.equals("*") || ns.isEmpty()) return "";
    String why = RepositoryName.violation(ns);
    if (why != null) throw new UserError("namespace \"" + ns + "\" is not a repository-name prefix: " + why);
    return ns;
  }

  @Override
  public void run() {
    checkAction(action);
    String ns = checkNamespace(namespace);
    try (AdminOps ops = data.admin()) {
      long id = ops.grant(action, ns, user);
      System.out.println("grant #" + id + ": " + user + " may " + action + " on " + (ns.isEmpty() ? "every repository" : ns + " (and below)"));
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Take back a grant: berth revoke push hoge/fuga ci-bot.")
  static final class Revoke implements Runnable {
    @Mixin DataDir data;
    @Parameters(index = "0", paramLabel = "ACTION") String action;
    @Parameters(index = "1", paramLabel = "NAMESPACE") String namespace;
    @Parameters(index = "2", paramLabel = "USER") String user;

    @Override
    public void run() {
      checkAction(action);
      String ns = checkNamespace(namespace);
      try (AdminOps ops = data.admin()) {
        ops.revoke(action, ns, user);
      }
      System.out.println("revoked " + action + " on " + (ns.isEmpty() ? "*" : ns) + " from " + user);
    }
  }
}
