package dev.berth.cli;

import dev.berth.client.testing.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private Docker engine for interop tests: its own socket, data and exec roots under a short
 * temporary directory, vfs storage, no iptables and no bridge (containers run with
 * --network none). A busybox base image is made with docker import from /usr/bin/busybox, so
 * nothing is pulled from the internet. Killed on close.
 */
final class PrivateDockerd implements AutoCloseable {
  static final String DOCKER = "/usr/bin/docker";
  private final Process process;
  private final Path dir;

  private PrivateDockerd(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  static PrivateDockerd start() throws Exception {
    Tools.require("/usr/sbin/dockerd", "apt-get install docker.io");
    Tools.require(DOCKER, "apt-get install docker.io");
    Tools.require("/usr/bin/busybox", "apt-get install busybox-static");
    if (!Tools.isRoot()) {
      if ("true".equals(System.getenv("CI"))) throw new AssertionError("the Docker engine tests need root");
      org.junit.jupiter.api.Assumptions.abort("the Docker engine tests need root to start a private dockerd");
    }
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "bd");
    Process p = new ProcessBuilder("/usr/sbin/dockerd", "--host", "unix://" + dir.resolve("d.sock"),
        "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString(),
        "--pidfile", dir.resolve("d.pid").toString(), "--storage-driver=vfs", "--iptables=false", "--ip-masq=false", "--bridge=none")
        .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile()).start();
    PrivateDockerd d = new PrivateDockerd(p, dir);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) throw new IllegalStateException("dockerd exited: " + Files.readString(dir.resolve("dockerd.log")));
      if (Files.exists(dir.resolve("d.sock")) && d.docker(null, "version").exit == 0) return d;
      Thread.sleep(200);
    }
    d.close();
    throw new IllegalStateException("dockerd did not come up in 60s: " + Files.readString(dir.resolve("dockerd.log")));
  }

  record Run(int exit, String output) {}

  /** Runs the docker CLI against this engine, with the given config dir (null: a private one). */
  Run docker(Path configDir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(DOCKER);
    cmd.add("--config");
    cmd.add((configDir == null ? dir.resolve("cli-config") : configDir).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("DOCKER_HOST", "unix://" + dir.resolve("d.sock"));
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("docker " + String.join(" ", args) + " hung");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** docker login with the password on stdin. */
  Run login(Path configDir, String registry, String user, String password) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(DOCKER, "--config", configDir.toString(), "login", registry, "-u", user, "--password-stdin")
        .redirectErrorStream(true);
    pb.environment().put("DOCKER_HOST", "unix://" + dir.resolve("d.sock"));
    Process p = pb.start();
    p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    p.waitFor(60, TimeUnit.SECONDS);
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Imports busybox (with sh and echo links) as {@code name}. */
  void importBusybox(String name) throws Exception {
    Path root = dir.resolve("bbroot");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("/usr/bin/busybox"), root.resolve("bin/busybox"));
    for (String link : List.of("sh", "echo", "cat", "ls")) Files.createSymbolicLink(root.resolve("bin/" + link), Path.of("busybox"));
    Path tar = dir.resolve("bb.tar");
    Process p = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".").redirectErrorStream(true).start();
    if (p.waitFor() != 0) throw new IllegalStateException("tar failed");
    Run r = docker(null, "import", tar.toString(), name);
    if (r.exit != 0) throw new IllegalStateException("docker import failed: " + r.output);
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    new ProcessBuilder("umount", "-R", dir.resolve("exec").toString()).redirectErrorStream(true).start().waitFor();
    new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
  }
}
