package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "logout", mixinStandardHelpOptions = true, description = "Remove the stored login for a registry (from config.json or its credential helper).")
final class LogoutCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REGISTRY", defaultValue = "docker.io") String registry;

  @Override
  public Integer call() {
    return options.run(() -> {
      boolean had = options.client().logout(registry, ClientOptions.dockerConfig());
      if (!options.quiet) System.out.println(had ? "Removed login credentials for " + registry : "Not logged in to " + registry);
      return 0;
    });
  }
}
