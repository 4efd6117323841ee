package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the server process with SIGKILL while 8 clients push in parallel, restarts it on the same
 * data, and checks the invariants: every push that was acknowledged is there and intact, no blob
 * in storage is torn (each file hashes to its name), and the registry keeps working.
 */
class CrashRecoveryTest {
  @TempDir Path data;

  /** Runs a server in this JVM's classpath; prints the port on stdout. */
  public static void main(String[] args) throws Exception {
    BerthServer s = BerthServer.start(ServerConfig.defaults(Path.of(args[0])).withListen("127.0.0.1", 0));
    System.out.println("PORT " + s.port());
    System.out.flush();
    s.join();
  }

  @Test
  void killDuringParallelPushesLosesNothingAcknowledgedAndTearsNothing() throws Exception {
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), CrashRecoveryTest.class.getName(), data.toString())
        .redirectErrorStream(true).start();
    int port;
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null && !line.startsWith("PORT ")) { /* skip logs */ }
    assertThat(line).as("server did not print its port").isNotNull();
    port = Integer.parseInt(line.substring(5).trim());
    drain(out);
    URI base = URI.create("http://127.0.0.1:" + port);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<String, String> ackedManifests = new ConcurrentHashMap<>(); // repo:tag -> digest
    Map<String, String> ackedBlobs = new ConcurrentHashMap<>(); // repo@digest -> repo
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int c = 0; c < 8; c++) {
      int client = c;
      pool.submit(() -> {
        Random rnd = new Random(client);
        for (int i = 0; !stop.get(); i++) {
          try {
            String repo = "crash/c" + client;
            byte[] layer = new byte[64 * 1024 + rnd.nextInt(512 * 1024)];
            rnd.nextBytes(layer);
            String ld = upload(http, base, repo, layer);
            ackedBlobs.put(repo + "@" + ld, repo);
            byte[] cfg = ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
            String cd = upload(http, base, repo, cfg);
            byte[] m = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + cd + "\",\"size\":" + cfg.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + ld + "\",\"size\":" + layer.length + "}]}")
                .getBytes(StandardCharsets.UTF_8);
            var r = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/t" + i)).PUT(HttpRequest.BodyPublishers.ofByteArray(m))
                .header("Content-Type", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201) ackedManifests.put(repo + ":t" + i, Digest.sha256(m).toString());
          } catch (Exception e) {
            if (stop.get()) return null;
            // the server is gone: the test's main thread decides when to stop
            Thread.sleep(20);
          }
        }
        return null;
      });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (ackedManifests.size() < 40 && System.nanoTime() < deadline) Thread.sleep(50);
    p.destroyForcibly(); // SIGKILL, in the middle of whatever the clients are doing
    p.waitFor(10, TimeUnit.SECONDS);
    stop.set(true);
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    assertThat(ackedManifests).hasSizeGreaterThanOrEqualTo(10);

    // no torn blob: every committed object hashes to its name
    Path blobs = data.resolve("storage/blobs/sha256");
    try (Stream<Path> files = Files.walk(blobs)) {
      // blobs/sha256/<xx>/<hex>; temporary files (".<hex>~<random>.tmp") are not committed objects
      List<Path> committed = files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).toList();
      assertThat(committed).as("committed blobs").isNotEmpty();
      for (Path f : committed) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(f)) {
          in.transferTo(new java.security.DigestOutputStream(java.io.OutputStream.nullOutputStream(), md));
        }
        assertThat(HexFormat.of().formatHex(md.digest())).as(f.toString()).isEqualTo(f.getFileName().toString());
      }
    }

    try (BerthServer s = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0))) {
      URI b2 = s.baseUri();
      for (var e : ackedManifests.entrySet()) {
        String repo = e.getKey().substring(0, e.getKey().indexOf(':'));
        String tag = e.getKey().substring(e.getKey().indexOf(':') + 1);
        var r = http.send(HttpRequest.newBuilder(b2.resolve("/v2/" + repo + "/manifests/" + tag)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("acknowledged manifest %s lost", e.getKey()).isEqualTo(200);
        assertThat(Digest.sha256(r.body()).toString()).isEqualTo(e.getValue());
      }
      for (String key : ackedBlobs.keySet()) {
        String repo = key.substring(0, key.indexOf('@'));
        String d = key.substring(key.indexOf('@') + 1);
        var r = http.send(HttpRequest.newBuilder(b2.resolve("/v2/" + repo + "/blobs/" + d)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("acknowledged blob %s lost", key).isEqualTo(200);
        assertThat(Digest.sha256(r.body()).toString()).isEqualTo(d);
      }
      // and it still takes pushes
      String d = upload(http, b2, "crash/after", "after the crash".getBytes(StandardCharsets.UTF_8));
      assertThat(d).startsWith("sha256:");
    }
  }

  static String upload(HttpClient http, URI base, String repo, byte[] content) throws Exception {
    String d = Digest.sha256(content).toString();
    var start = http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/blobs/uploads/")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (start.statusCode() != 202) throw new IllegalStateException("start " + start.statusCode());
    String loc = start.headers().firstValue("Location").orElseThrow();
    int half = content.length / 2;
    var patch = http.send(HttpRequest.newBuilder(base.resolve(loc)).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 0, half))
        .header("Content-Range", "0-" + (half - 1)).build(), HttpResponse.BodyHandlers.ofString());
    if (patch.statusCode() != 202) throw new IllegalStateException("patch " + patch.statusCode());
    var put = http.send(HttpRequest.newBuilder(base.resolve(loc + "?digest=" + d)).PUT(HttpRequest.BodyPublishers.ofByteArray(content, half, content.length - half))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 201) throw new IllegalStateException("put " + put.statusCode() + " " + put.body());
    return d;
  }

  private static void drain(BufferedReader in) {
    Thread t = new Thread(() -> {
      try {
        in.transferTo(java.io.Writer.nullWriter());
      } catch (Exception ignored) {
        // process gone
      }
    });
    t.setDaemon(true);
    t.start();
  }

}
