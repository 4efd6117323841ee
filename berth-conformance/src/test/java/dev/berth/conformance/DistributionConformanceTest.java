package dev.berth.conformance;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite against the reference implementation: CNCF distribution 2.8 (Debian's
 * {@code docker-registry}), started as a subprocess on a free loopback port with filesystem storage
 * in a temporary directory and deletion enabled. That every test passes here, or is skipped for a
 * limitation of distribution 2.8 named in the skip message, is what shows the suite itself is right.
 */
@DisplayName("distribution 2.8 (docker-registry)")
class DistributionConformanceTest implements ConformanceSuite {
  static final String BINARY = System.getProperty("berth.conformance.distribution", "/usr/bin/docker-registry");
  static final String NAME = "distribution 2.8";

  /**
   * What distribution 2.8 does and lacks. Every limitation is listed with what it does instead; the
   * reason is the skip message of the tests it affects (and docs/conformance.md has the same table).
   */
  static Target describe(URI base) {
    return Target.builder(NAME, base)
        .declares(Capability.MOUNT, Capability.DELETE, Capability.CATALOG, Capability.SHA512, Capability.MANIFEST_SIZE_LIMIT)
        .lacks(Capability.REFERRERS, NAME + " does not implement the OCI 1.1 referrers API (GET /v2/<name>/referrers/<digest> is 404 page not found, no OCI-Subject header)")
        .lacks(Capability.SINGLE_POST_UPLOAD, NAME + " ignores the body of POST ?digest= and opens an upload session (202), the fallback the spec allows")
        .lacks(Capability.CHUNK_ORDER_CHECK, NAME + " ignores Content-Range on PATCH and appends any chunk, so an out-of-order chunk is accepted with 202 instead of 416")
        .lacks(Capability.RANGE_REQUESTS, NAME + " serves 206 ranges but answers an unsatisfiable Range with a malformed 416 (Content-Length of the whole blob, a shorter text body)")
        .lacks(Capability.TAG_ORDER, NAME + " lists tags in storage directory order, not lexical order")
        .lacks(Capability.TAG_PAGINATION, NAME + " ignores n and last on tags/list and always returns every tag without a Link header")
        .lacks(Capability.TAG_DELETE, NAME + " cannot delete a tag: DELETE /v2/<name>/manifests/<tag> answers 400 DIGEST_INVALID")
        .lacks(Capability.NAME_INVALID, NAME + " routes only valid names: a malformed one gets 404 page not found (text/plain), or for an empty path component a 301 redirect to the cleaned path")
        .lacks(Capability.BERTH_EXTENSIONS, NAME + " is not berth")
        .build();
  }

  @TempDir static Path dir;
  static Process process;
  static Target target;
  /** Set when the binary is missing outside CI: every test is then skipped with this reason. */
  static String unavailable;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(Path.of(BINARY))) {
      String msg = BINARY + " is missing: install CNCF distribution with `apt-get install docker-registry` to run the suite against the reference registry";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException(msg + " (CI=true, so this is a failure, not a skip)");
      unavailable = msg;
      return;
    }
    Path log = dir.resolve("registry.log");
    for (int attempt = 1; ; attempt++) {
      int port = Launch.freeLoopbackPort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, """
          version: 0.1
          log:
            level: error
            accesslog:
              disabled: true
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
            secret: %s
          """.formatted(dir.resolve("data"), port, UUID.randomUUID()), StandardCharsets.UTF_8);
      ProcessBuilder pb = new ProcessBuilder(BINARY, "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().keySet().removeIf(k -> k.startsWith("REGISTRY_"));
      process = pb.start();
      URI base = URI.create("http://127.0.0.1:" + port);
      if (Launch.awaitV2(base, Duration.ofSeconds(15), process::isAlive)) {
        target = describe(base);
        return;
      }
      stop();
      if (attempt == 3) {
        throw new IllegalStateException(BINARY + " did not answer /v2/ on port " + port + "; its log:\n" + readLog(log));
      }
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @BeforeEach
  void registryIsUp() {
    if (unavailable != null) Assumptions.abort(unavailable);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (process == null) return;
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
    process = null;
  }

  @Override
  public Target target() {
    return target;
  }
}
