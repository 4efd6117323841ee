package dev.berth.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "namespace", mixinStandardHelpOptions = true,
    description = "Public namespaces: anyone may pull from them without credentials.",
    subcommands = {NamespaceCommand.Public.class, NamespaceCommand.Private.class, NamespaceCommand.Ls.class})
final class NamespaceCommand {
  @Command(name = "public", mixinStandardHelpOptions = true, description = "Allow anonymous pulls from a namespace.")
  static final class Public implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAMESPACE") String namespace;

    @Override
    public void run() {
      String ns = GrantCommand.checkNamespace(namespace);
      try (var s = data.open()) {
        s.auth().setPublic(ns, true);
      }
      System.out.println((ns.isEmpty() ? "every repository" : ns) + " is public: anyone may pull from it");
    }
  }

  @Command(name = "private", mixinStandardHelpOptions = true, description = "Stop anonymous pulls from a namespace.")
  static final class Private implements Runnable {
    @Mixin DataDir data;
    @Parameters(paramLabel = "NAMESPACE") String namespace;

    @Override
    public void run() {
      String ns = GrantCommand.checkNamespace(namespace);
      try (var s = data.open()) {
        if (!s.auth().publicNamespaces().contains(ns)) throw new UserError((ns.isEmpty() ? "*" : ns) + " is not public; see: berth namespace ls");
        s.auth().setPublic(ns, false);
      }
      System.out.println((ns.isEmpty() ? "every repository" : ns) + " is private again");
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List public namespaces.")
  static final class Ls implements Runnable {
    @Mixin DataDir data;

    @Override
    public void run() {
      try (var s = data.open()) {
        for (String ns : s.auth().publicNamespaces()) System.out.println(ns.isEmpty() ? "*" : ns);
      }
    }
  }
}
