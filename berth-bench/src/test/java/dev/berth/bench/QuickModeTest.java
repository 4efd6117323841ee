package dev.berth.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool works: its quick mode completes with every response checked, against berth alone and
 * side by side with Debian's docker-registry when it is installed. No timing is asserted.
 */
class QuickModeTest {
  @TempDir Path tmp;

  private static String run(List<String> args) throws Exception {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    boolean ok;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      ok = Bench.run(args.toArray(String[]::new), out);
    }
    String out = buf.toString(StandardCharsets.UTF_8);
    assertThat(ok).as(out).isTrue();
    return out;
  }

  @Test
  void quickModeAgainstBerthCompletesWithEveryCheckPassed() throws Exception {
    try (BerthServer berth = BerthServer.start(ServerConfig.defaults(tmp.resolve("berth")).withListen("127.0.0.1", 0))) {
      String out = run(List.of("--quick", "--url", berth.baseUri().toString(), "--scratch", tmp.toString(), "--no-wrk",
          "--server-pid", Long.toString(ProcessHandle.current().pid())));
      assertThat(out).contains("\"type\":\"sample\"", "blob push monolithic", "blob push chunked", "blob pull",
          "manifest HEAD c=1", "manifest GET c=4", "small blobs", "tag push", "tag list", "image push", "limit: JDK SHA-256",
          "limit: loopback TCP", "limit: file→TCP read+write", "limit: file→TCP sendfile");
    }
  }

  @Test
  void bearerTokenFlowAndBasicCredentialsWork() throws Exception {
    ServerConfig.Auth token = ServerConfig.Auth.token("bench-secret");
    ServerConfig.Auth basic = new ServerConfig.Auth("basic", null, "berth", token.tokenTtl(), "bench-secret");
    for (ServerConfig.Auth auth : List.of(token, basic)) {
      Path data = tmp.resolve("berth-" + auth.mode());
      try (BerthServer berth = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(auth))) {
        String out = run(List.of("--quick", "--url", berth.baseUri().toString(), "--user", "admin", "--password", "bench-secret",
            "--scenarios", "push,push-chunked,pull,manifest,small-blobs,tag-push,tag-list,images", "--no-wrk"));
        assertThat(out).contains("manifest GET c=4", "image push");
      }
    }
  }

  @Test
  void wrkPushesSmallBlobsAndTagsWithABearerToken() throws Exception {
    String missing = "wrk is not installed; apt-get install wrk";
    if ("true".equals(System.getenv("CI"))) assertThat(Wrk.available()).as(missing).isTrue();
    assumeTrue(Wrk.available(), missing);
    ServerConfig.Auth token = ServerConfig.Auth.token("bench-secret");
    try (BerthServer berth = BerthServer.start(ServerConfig.defaults(tmp.resolve("berth-wrk")).withListen("127.0.0.1", 0).withAuth(token))) {
      String out = run(List.of("--quick", "--url", berth.baseUri().toString(), "--user", "admin", "--password", "bench-secret",
          "--scenarios", "small-blobs,tag-push"));
      assertThat(out).contains("small blobs 4 KiB c=4 [wrk]", "tag push c=4 [wrk]");
    }
  }

  @Test
  void compareModeAgainstDistributionCompletes() throws Exception {
    Path registry = Path.of("/usr/bin/docker-registry");
    String missing = "Debian's docker-registry is not installed; apt-get install docker-registry";
    if ("true".equals(System.getenv("CI"))) assertThat(Files.isExecutable(registry)).as(missing).isTrue();
    assumeTrue(Files.isExecutable(registry), missing);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path config = tmp.resolve("distribution.yml");
    Files.writeString(config, """
        version: 0.1
        log: {level: warn, accesslog: {disabled: true}}
        storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
        http: {addr: 127.0.0.1:%d}
        """.formatted(tmp.resolve("distribution"), port));
    try (BerthServer berth = BerthServer.start(ServerConfig.defaults(tmp.resolve("berth")).withListen("127.0.0.1", 0))) {
      List<String> args = new ArrayList<>(List.of("--quick", "--url", berth.baseUri().toString(),
          "--compare", "http://127.0.0.1:" + port, "--compare-cmd", registry + " serve " + config,
          "--scenarios", "push,push-chunked,pull,manifest,manifest-wrk,small-blobs,tag-push,tag-list,images"));
      String out = run(args);
      assertThat(out).contains("\"type\":\"summary\"", "startup to first GET /v2/", "RSS peak");
    }
  }
}
