package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference registry: CNCF distribution 2.8 as packaged by Debian ({@code /usr/bin/docker-registry}),
 * filesystem storage in a temp dir, deletes enabled, on a free port of 127.0.0.1. Every test is
 * validated against it first, so a test that fails only against berth points at berth.
 */
final class DistributionProcess implements RegistryProcess {
  static final String BINARY = "/usr/bin/docker-registry";

  private final ServerProcess process;
  private final String host;

  private DistributionProcess(ServerProcess process, String host) {
    this.process = process;
    this.host = host;
  }

  static DistributionProcess start(Path dir, Path logFile) {
    Requirements.executable(BINARY, "docker-registry", "the reference registry");
    AssertionError last = null;
    // the free port is found by binding and releasing it, so another process can take it in
    // between; then the registry exits with "address already in use" and we try another port
    for (int attempt = 1; attempt <= 5; attempt++) {
      int port = freePort();
      Path config = writeConfig(dir, port);
      Map<String, String> env = new HashMap<>();
      // distribution reads REGISTRY_* overrides from the environment; make sure none leak in
      System.getenv().keySet().stream().filter(k -> k.startsWith("REGISTRY_")).forEach(k -> env.put(k, null));
      ServerProcess p = ServerProcess.start("distribution", List.of(BINARY, "serve", config.toString()), env, dir, logFile);
      String host = "127.0.0.1:" + port;
      try {
        p.awaitReady("GET /v2/ answers 200", () -> answers(host), Duration.ofSeconds(30));
        Log.info("distribution is listening on %s", host);
        return new DistributionProcess(p, host);
      } catch (AssertionError e) {
        p.close();
        last = e;
        if (!p.tail(50).contains("address already in use")) {
          throw e;
        }
      }
    }
    throw last;
  }

  private static Path writeConfig(Path dir, int port) {
    String yaml = """
        version: 0.1
        log:
          level: info
        storage:
          filesystem:
            rootdirectory: %s
          delete:
            enabled: true
          maintenance:
            uploadpurging:
              enabled: false
        http:
          addr: 127.0.0.1:%d
        """.formatted(dir.resolve("data"), port);
    try {
      Path config = dir.resolve("config.yml");
      Files.writeString(config, yaml);
      return config;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean answers(String host) {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      HttpResponse<Void> r = client.send(
          HttpRequest.newBuilder(URI.create("http://" + host + "/v2/")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public String name() {
    return "distribution";
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public Path logFile() {
    return process.logFile();
  }

  @Override
  public String outputTail(int lines) {
    return process.tail(lines);
  }

  @Override
  public void close() {
    process.close();
  }
}
