package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The skopeo CLI, isolated from the machine's configuration: its own trust policy (accept
 * anything), an empty registries.conf, no credentials, and temp files in our own directory.
 */
final class Skopeo {
  static final String BINARY = "/usr/bin/skopeo";

  private final Path home;

  private Skopeo(Path home) {
    this.home = home;
  }

  static Skopeo create(Path home) {
    Requirements.executable(BINARY, "skopeo", "the skopeo tests");
    try {
      Files.createDirectories(home.resolve("tmp"));
      Files.createDirectories(home.resolve("docker"));
      Files.writeString(home.resolve("policy.json"), "{\"default\":[{\"type\":\"insecureAcceptAnything\"}]}\n");
      Files.writeString(home.resolve("registries.conf"), "# empty: no mirrors, no short-name aliases\n");
      Files.writeString(home.resolve("auth.json"), "{}\n");
      Files.writeString(home.resolve("docker/config.json"), "{}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Skopeo(home);
  }

  Command command(String... args) {
    List<String> argv = new ArrayList<>(List.of(BINARY,
        "--policy", home.resolve("policy.json").toString(),
        "--tmpdir", home.resolve("tmp").toString()));
    argv.addAll(List.of(args));
    return Command.of(argv)
        .env("CONTAINERS_REGISTRIES_CONF", home.resolve("registries.conf").toString())
        .env("REGISTRY_AUTH_FILE", home.resolve("auth.json").toString())
        .env("DOCKER_CONFIG", home.resolve("docker").toString())
        .timeout(Duration.ofMinutes(4));
  }

  Command.Result ok(String... args) {
    return command(args).runOk();
  }

  Command.Result run(String... args) {
    return command(args).run();
  }
}
