package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The tests' own Docker daemon: Debian's dockerd on a private unix socket, with all of its state
 * (images, containers, its managed containerd, the trust key) in one temp dir. The machine's
 * default daemon and docker config are never used or changed: every docker CLI call gets
 * {@code DOCKER_HOST=unix://<tmp>/docker.sock} and a private {@code DOCKER_CONFIG}.
 *
 * <p>One engine per test JVM, started on first use and stopped, with its process tree, by a
 * shutdown hook. The vfs storage driver works everywhere (no overlayfs needed) but copies whole
 * layers, so the images used with it must stay tiny.
 */
final class DockerEngine {
  static final String DOCKERD = "/usr/sbin/dockerd";
  /** Debian's CLI, matching the daemon; a different docker may be first on PATH. */
  static final String DOCKER = "/usr/bin/docker";

  private static DockerEngine instance;
  private static Error startFailure;

  private final Path root;
  private final String dockerHost;
  private final Path clientConfig;
  private final ServerProcess daemon;

  private DockerEngine(Path root, ServerProcess daemon) {
    this.root = root;
    this.dockerHost = "unix://" + root.resolve("docker.sock");
    this.clientConfig = root.resolve("client");
    this.daemon = daemon;
  }

  /** The shared engine, started on first call; skips (fails on CI) when docker.io is not installed. */
  static synchronized DockerEngine get() {
    Requirements.executable(DOCKERD, "docker.io", "the tests' own Docker daemon");
    Requirements.executable(DOCKER, "docker.io", "the docker CLI");
    if (!"root".equals(System.getProperty("user.name"))) {
      Requirements.unmet("dockerd needs root; these tests start their own daemon (run as root, e.g. in CI)");
    }
    if (startFailure != null) {
      throw new AssertionError("the test Docker daemon failed to start earlier in this run", startFailure);
    }
    if (instance == null) {
      try {
        instance = start();
      } catch (RuntimeException | Error e) {
        startFailure = e instanceof Error err ? err : new AssertionError(e.getMessage(), e);
        throw e;
      }
    }
    return instance;
  }

  private static DockerEngine start() {
    Path root = Dirs.shortTemp("bit-d"); // e.g. /tmp/bit-d123456789/docker.sock: well under 108 bytes
    try {
      Files.createDirectories(root.resolve("client"));
      // an explicit config file, so /etc/docker/daemon.json cannot interfere, which also moves the
      // trust key out of /etc/docker (dockerd 20.10 would otherwise create /etc/docker/key.json)
      Files.writeString(root.resolve("daemon.json"), """
          {"deprecated-key-path": "%s"}
          """.formatted(root.resolve("key.json")));
      Files.writeString(root.resolve("client/config.json"), "{}\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> argv = List.of(DOCKERD,
        "--host", "unix://" + root.resolve("docker.sock"),
        "--data-root", root.resolve("data").toString(),
        "--exec-root", root.resolve("exec").toString(), // the managed containerd keeps its state and socket here
        "--pidfile", root.resolve("docker.pid").toString(),
        "--config-file", root.resolve("daemon.json").toString(),
        "--storage-driver=vfs",
        "--iptables=false", "--ip-masq=false", "--bridge=none");
    ServerProcess daemon = ServerProcess.start("dockerd", argv, java.util.Map.of(), root,
        Dirs.logs().resolve("dockerd.log"));
    DockerEngine engine = new DockerEngine(root, daemon);
    Runtime.getRuntime().addShutdownHook(new Thread(engine::stop, "berth-it-dockerd-stop"));
    try {
      daemon.awaitReady("`docker info` answers", () -> Files.exists(root.resolve("docker.sock"))
          && engine.docker("info").timeout(Duration.ofSeconds(10)).run().exitCode() == 0, Duration.ofSeconds(60));
    } catch (RuntimeException | Error e) {
      engine.stop();
      throw e;
    }
    Command.Result version = engine.docker("version").runOk();
    Log.info("test Docker daemon ready at %s:\n%s", engine.dockerHost, version.stdout().strip());
    return engine;
  }

  /** A docker CLI command against this daemon, with the legacy builder and a private client config. */
  Command docker(String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(DOCKER);
    argv.addAll(List.of(args));
    return Command.of(argv)
        .env("DOCKER_HOST", dockerHost)
        .env("DOCKER_CONFIG", clientConfig.toString())
        .env("DOCKER_BUILDKIT", "0")
        .unset("DOCKER_CONTEXT").unset("DOCKER_TLS_VERIFY").unset("DOCKER_CERT_PATH")
        .timeout(Duration.ofMinutes(3));
  }

  /** The daemon's unix socket, for talking to the engine API directly. */
  Path socket() {
    return Path.of(dockerHost.substring("unix://".length()));
  }

  /** Runs a docker CLI command and requires exit code 0. */
  Command.Result dockerOk(String... args) {
    return docker(args).runOk();
  }

  /** Whether the daemon has an image with this reference or id. */
  boolean hasImage(String reference) {
    return docker("image", "inspect", "--format", "{{.Id}}", reference).run().exitCode() == 0;
  }

  /** A directory for build contexts and such, removed with the engine. */
  Path workDir(String prefix) {
    try {
      return Files.createTempDirectory(Files.createDirectories(root.resolve("work")), prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String daemonOutputTail(int lines) {
    String state = daemon.isAlive() ? "" : "dockerd is NOT RUNNING any more\n";
    return state + daemon.tail(lines);
  }

  private synchronized void stop() {
    daemon.close();
    unmountLeftovers();
    Dirs.deleteQuietly(root);
  }

  /** Unmounts anything a killed daemon left mounted under our root (netns files, vfs dirs), best effort. */
  private void unmountLeftovers() {
    try {
      List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
          .map(l -> l.split(" ")[4])
          .filter(mp -> mp.startsWith(root.toString()))
          .sorted(Comparator.comparingInt(String::length).reversed())
          .toList();
      for (String mp : mounts) {
        Command.of("umount", "-l", mp).timeout(Duration.ofSeconds(10)).run();
      }
    } catch (IOException | RuntimeException | Error e) {
      Log.info("could not check for leftover mounts under %s: %s", root, e);
    }
  }
}
