package dev.berth.doctor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A docker daemon of our own for one test class: its own socket, data and exec roots in a fresh
 * short /tmp directory (unix socket paths are limited to 108 bytes), vfs storage, no iptables or
 * bridge, and a busybox base image made with docker import (never pulled). Stopped by close().
 */
public final class PrivateDockerd implements AutoCloseable {
  public final Path dir;
  public final Path docker;
  public final String host;
  private final Process process;

  private PrivateDockerd(Path dir, Path docker, Process process) {
    this.dir = dir;
    this.docker = docker;
    this.host = "unix://" + dir.resolve("d.sock");
    this.process = process;
  }

  public static PrivateDockerd start() throws Exception {
    Tools.requireRoot();
    Path dockerd = Tools.require("dockerd", "/usr/sbin/dockerd", "/usr/bin/dockerd");
    Path docker = Tools.require("docker", "/usr/bin/docker");
    Path busybox = Tools.require("busybox", "/usr/bin/busybox", "/bin/busybox");
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "bdt");
    ProcessBuilder pb = new ProcessBuilder(dockerd.toString(), "--host", "unix://" + dir.resolve("d.sock"),
        "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("x").toString(), "--pidfile", dir.resolve("d.pid").toString(),
        "--storage-driver=vfs", "--iptables=false", "--ip-masq=false", "--bridge=none")
        .redirectErrorStream(true).redirectOutput(dir.resolve("dockerd.log").toFile());
    Process p = pb.start();
    PrivateDockerd d = new PrivateDockerd(dir, docker, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
    while (true) {
      Proc.Result r = Proc.run(d.env(), Duration.ofSeconds(10), docker.toString(), "version", "--format", "{{.Server.Version}}");
      if (r.ok() && !r.out().isBlank()) break;
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String log = Files.exists(dir.resolve("dockerd.log")) ? Files.readString(dir.resolve("dockerd.log")) : "";
        d.close();
        String msg = "private dockerd did not start: " + log.lines().reduce((a, b) -> b).orElse("");
        if (Tools.ci()) throw new IllegalStateException(msg);
        org.junit.jupiter.api.Assumptions.abort(msg);
      }
      Thread.sleep(250);
    }
    Path rootfs = dir.resolve("rootfs/bin");
    Files.createDirectories(rootfs);
    Files.copy(busybox, rootfs.resolve("busybox"));
    Proc.Result tar = Proc.run(null, Duration.ofSeconds(30), "tar", "-C", dir.resolve("rootfs").toString(), "-cf", dir.resolve("bb.tar").toString(), ".");
    if (!tar.ok()) throw new IllegalStateException("tar: " + tar.all());
    Proc.Result imp = d.docker("import", dir.resolve("bb.tar").toString(), "busybox:local");
    if (!imp.ok()) throw new IllegalStateException("docker import: " + imp.all());
    return d;
  }

  /** The environment for the docker CLI: this daemon, and a docker config of its own. */
  public Map<String, String> env() {
    return Tools.env("DOCKER_HOST", host, "DOCKER_CONFIG", dir.resolve("config").toString());
  }

  public Proc.Result docker(String... args) {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(docker.toString());
    cmd.addAll(List.of(args));
    return Proc.run(env(), Duration.ofSeconds(90), cmd);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteQuietly(dir);
  }

  public static void deleteQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // vfs layers may hold read-only files; best effort
        }
      });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
