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
      try (AdminOps ops = data.admin()) {
        ops.setPublic(ns, true);
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
      try (AdminOps ops = data.admin()) {
        ops.setPublic(ns, false);
      }
      System.out.println((ns.isEmpty() ? "every repository" : ns) + " is private again");
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List public namespaces.")
  static final class Ls implements Runnable {
    @Mixin DataDir data;

    @Override
    public void run() {
      try (AdminOps ops = data.admin()) {
        for (String ns : ops.publicNamespaces()) System.out.println(ns);
      }
    }
  }
}
