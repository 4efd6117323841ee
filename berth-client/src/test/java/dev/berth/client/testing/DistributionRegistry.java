package dev.berth.client.testing;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Debian's docker-registry (CNCF distribution 2.8) on a free loopback port, filesystem storage in
 * a temporary directory, deletes enabled, optionally with htpasswd (bcrypt) basic auth.
 */
public final class DistributionRegistry implements AutoCloseable {
  public static final String BINARY = "/usr/bin/docker-registry";

  private final Process process;
  private final int port;

  private DistributionRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static DistributionRegistry start(Path dir) throws Exception {
    return start(dir, null, null);
  }

  /** With a user and password: htpasswd auth, as docker login expects it. */
  public static DistributionRegistry start(Path dir, String user, String password) throws Exception {
    Tools.require(BINARY, "apt-get install docker-registry");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Files.createDirectories(dir);
    StringBuilder cfg = new StringBuilder();
    cfg.append("version: 0.1\n")
        .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ").append(dir.resolve("data")).append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
        .append("  secret: berth-test-secret\n");
    if (user != null) {
      String hash = BCrypt.withDefaults().hashToString(5, password.toCharArray());
      Path htpasswd = dir.resolve("htpasswd");
      Files.writeString(htpasswd, user + ":" + hash + "\n", StandardCharsets.UTF_8);
      cfg.append("auth:\n  htpasswd:\n    realm: berth-test\n    path: ").append(htpasswd).append('\n');
    }
    Path config = dir.resolve("config.yml");
    Files.writeString(config, cfg.toString());
    Process p = new ProcessBuilder(BINARY, "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(deadline)) {
      if (!p.isAlive()) throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
      try (Socket s = new Socket("127.0.0.1", port)) {
        return new DistributionRegistry(p, port);
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    p.destroyForcibly();
    throw new IllegalStateException("docker-registry did not listen on " + port + " within 20s");
  }

  /** {@code 127.0.0.1:PORT} */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
  }
}
