package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour of a real server on an ephemeral port that the conformance suite does not cover:
 * concurrency, resuming after a dropped connection, sessions surviving a restart.
 */
class RegistryBehaviourTest {
  @TempDir Path data;
  BerthServer server;
  URI base;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    server = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0));
    base = server.baseUri();
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
  }

  HttpResponse<String> send(String method, String path, byte[] body, String contentType) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  String pushBlob(String repo, byte[] content) throws Exception {
    Digest d = Digest.sha256(content);
    var r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, content, "application/octet-stream");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return d.toString();
  }

  byte[] manifest(String config, long configSize, String layer, long layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + configSize + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer + "\",\"size\":" + layerSize + "}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  HttpResponse<byte[]> getManifest(String repo, String reference) throws Exception {
    return http.send(HttpRequest.newBuilder(base.resolve("/v2/" + repo + "/manifests/" + reference))
        .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void manifestBytesAreKeptByteExactInTheMetadataStoreAcrossARestart() throws Exception {
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "layer bytes".getBytes(StandardCharsets.UTF_8);
    String c = pushBlob("keep/app", config);
    String l = pushBlob("keep/app", layer);
    // spacing and key order of its own: the registry must serve these bytes, not a re-serialization
    byte[] m = new String(manifest(c, config.length, l, layer.length), StandardCharsets.UTF_8)
        .replace(",", " ,\n  ").getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(m);
    var put = send("PUT", "/v2/keep/app/manifests/v1", m, "application/vnd.oci.image.manifest.v1+json");
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(d.toString());
    assertThat(data.resolve("storage/blobs/sha256/" + d.hex().substring(0, 2) + "/" + d.hex()))
        .as("no file of its own: the bytes are committed with the manifest's record").doesNotExist();

    server.close();
    server = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0));
    base = server.baseUri();
    for (String ref : List.of("v1", d.toString())) {
      var r = getManifest("keep/app", ref);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).as(ref).isEqualTo(m);
      assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(d.toString());
    }
    // the same bytes under another tag, and in another repository
    pushBlob("keep/other", config);
    pushBlob("keep/other", layer);
    assertThat(send("PUT", "/v2/keep/app/manifests/v2", m, "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
    assertThat(send("PUT", "/v2/keep/other/manifests/v1", m, "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
    assertThat(getManifest("keep/app", "v2").body()).isEqualTo(m);
    assertThat(getManifest("keep/other", "v1").body()).isEqualTo(m);
  }

  @Test
  void everyResponseHasARequestIdAndErrorsExplainThemselves() throws Exception {
    var r = send("GET", "/v2/hoge/fuga/manifests/nope", null, null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(r.body()).contains("\"code\":\"MANIFEST_UNKNOWN\"").contains("tagged \\\"nope\\\" is not in repository hoge/fuga")
        .contains("\"requestId\":\"" + r.headers().firstValue("X-Request-Id").get() + "\"");
    var bad = send("GET", "/v2/Hoge/manifests/x", null, null);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("NAME_INVALID").contains("uppercase");
  }

  @Test
  void concurrentPushesOfTheSameBlobAndTagEndConsistent() throws Exception {
    byte[] layer = new byte[256 * 1024];
    new Random(7).nextBytes(layer);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    int clients = 16;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int n = i;
        results.add(pool.submit(() -> {
          String l = pushBlob("race/app", layer);
          String c = pushBlob("race/app", config);
          byte[] m = manifest(c, config.length, l, layer.length);
          // half the clients push the same manifest, half push their own variant, all to the same tag
          if (n % 2 == 1) m = new String(m, StandardCharsets.UTF_8).replace("}]}", "}],\"annotations\":{\"n\":\"" + n + "\"}}").getBytes(StandardCharsets.UTF_8);
          var r = send("PUT", "/v2/race/app/manifests/latest", m, "application/vnd.oci.image.manifest.v1+json");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
          return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
        }));
      }
      Set<String> pushed = ConcurrentHashMap.newKeySet();
      for (Future<String> f : results) pushed.add(f.get());
      var tag = send("GET", "/v2/race/app/manifests/latest", null, null);
      assertThat(tag.statusCode()).isEqualTo(200);
      String served = tag.headers().firstValue("Docker-Content-Digest").orElseThrow();
      assertThat(pushed).contains(served);
      assertThat(Digest.sha256(tag.body().getBytes(StandardCharsets.UTF_8)).toString()).isEqualTo(served);
      for (String d : pushed) {
        assertThat(send("HEAD", "/v2/race/app/manifests/" + d, null, null).statusCode()).isEqualTo(200);
      }
      var blob = http.send(HttpRequest.newBuilder(base.resolve("/v2/race/app/blobs/" + Digest.sha256(layer))).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(blob.body()).isEqualTo(layer);
      assertThat(send("GET", "/v2/race/app/tags/list", null, null).body()).isEqualTo("{\"name\":\"race/app\",\"tags\":[\"latest\"]}");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void droppedConnectionKeepsWhatArrivedAndTheUploadResumes() throws Exception {
    byte[] content = new byte[8 << 20];
    new Random(1).nextBytes(content);
    var start = send("POST", "/v2/resume/app/blobs/uploads/", null, null);
    assertThat(start.statusCode()).isEqualTo(202);
    String location = start.headers().firstValue("Location").orElseThrow();
    int sent = 3 << 20;
    try (Socket s = new Socket(base.getHost(), base.getPort())) {
      OutputStream out = s.getOutputStream();
      out.write(("PATCH " + location + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: " + content.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(content, 0, sent);
      out.flush();
      Thread.sleep(300);
    } // connection cut in the middle of the chunk
    long acknowledged = -1;
    for (int i = 0; i < 50 && acknowledged != sent; i++) {
      Thread.sleep(100);
      var status = send("GET", location, null, null);
      assertThat(status.statusCode()).isEqualTo(204);
      acknowledged = Long.parseLong(status.headers().firstValue("Range").orElseThrow().split("-")[1]) + 1;
    }
    assertThat(acknowledged).isEqualTo(sent);
    // resume with exactly the rest, then finish
    byte[] rest = java.util.Arrays.copyOfRange(content, sent, content.length);
    var patch = http.send(HttpRequest.newBuilder(base.resolve(location)).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(rest))
        .header("Content-Range", sent + "-" + (content.length - 1)).header("Content-Type", "application/octet-stream").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(patch.statusCode()).as(patch.body()).isEqualTo(202);
    var put = send("PUT", location + "?digest=" + Digest.sha256(content), null, null);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  @Test
  void uploadSessionSurvivesARestart() throws Exception {
    byte[] content = new byte[2 << 20];
    new Random(2).nextBytes(content);
    var start = send("POST", "/v2/restart/app/blobs/uploads/", null, null);
    String location = start.headers().firstValue("Location").orElseThrow();
    var first = http.send(HttpRequest.newBuilder(base.resolve(location)).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 0, 1 << 20))
        .header("Content-Range", "0-" + ((1 << 20) - 1)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(first.statusCode()).isEqualTo(202);
    server.close();
    server = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", base.getPort()));
    var second = http.send(HttpRequest.newBuilder(base.resolve(location)).method("PATCH", HttpRequest.BodyPublishers.ofByteArray(content, 1 << 20, 1 << 20))
        .header("Content-Range", (1 << 20) + "-" + ((2 << 20) - 1)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
    var put = send("PUT", location + "?digest=" + Digest.sha256(content), null, null);
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
  }

  @Test
  void wrongDigestStoresNothing() throws Exception {
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    String wrong = Digest.sha256("other".getBytes(StandardCharsets.UTF_8)).toString();
    var r = send("POST", "/v2/digest/app/blobs/uploads/?digest=" + wrong, content, "application/octet-stream");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("DIGEST_INVALID").contains(Digest.sha256(content).toString()).contains(wrong);
    assertThat(send("HEAD", "/v2/digest/app/blobs/" + wrong, null, null).statusCode()).isEqualTo(404);
    assertThat(send("HEAD", "/v2/digest/app/blobs/" + Digest.sha256(content), null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void blobsAreVisibleOnlyWhereLinked() throws Exception {
    String d = pushBlob("team-a/app", "secret layer".getBytes(StandardCharsets.UTF_8));
    assertThat(send("HEAD", "/v2/team-a/app/blobs/" + d, null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v2/team-b/app/blobs/" + d, null, null).statusCode()).isEqualTo(404);
    var mount = send("POST", "/v2/team-b/app/blobs/uploads/?mount=" + d + "&from=team-a/app", null, null);
    assertThat(mount.statusCode()).isEqualTo(201);
    assertThat(send("HEAD", "/v2/team-b/app/blobs/" + d, null, null).statusCode()).isEqualTo(200);
    var fallback = send("POST", "/v2/team-c/app/blobs/uploads/?mount=" + d + "&from=nowhere/app", null, null);
    assertThat(fallback.statusCode()).isEqualTo(202);
  }

  @Test
  void tagListsAreNeverStaleEvenWhenAnotherServerOnTheSameDatabaseChangesTheTags() throws Exception {
    // Two servers on one data directory stand for two replicas sharing a database: each caches
    // tag lists, and a change made through one must show at once through the other.
    try (BerthServer replica = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0))) {
      URI other = replica.baseUri();
      String layer = pushBlob("cache/app", "layer".getBytes(StandardCharsets.UTF_8));
      String config = pushBlob("cache/app", "{}".getBytes(StandardCharsets.UTF_8));
      byte[] m = manifest(config, 2, layer, 5);
      for (String tag : List.of("b", "a", "c")) {
        assertThat(send("PUT", "/v2/cache/app/manifests/" + tag, m, "application/vnd.oci.image.manifest.v1+json").statusCode()).isEqualTo(201);
      }
      String list = "/v2/cache/app/tags/list";
      assertThat(send("GET", list, null, null).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"a\",\"b\",\"c\"]}");
      assertThat(get(other, list).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"a\",\"b\",\"c\"]}");
      // a tag deleted and one added through the replica: the first server's cached list must not survive
      assertThat(http.send(HttpRequest.newBuilder(other.resolve("/v2/cache/app/manifests/b")).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      assertThat(http.send(HttpRequest.newBuilder(other.resolve("/v2/cache/app/manifests/d")).header("Content-Type", "application/vnd.oci.image.manifest.v1+json")
          .PUT(HttpRequest.BodyPublishers.ofByteArray(m)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(201);
      assertThat(send("GET", list, null, null).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"a\",\"c\",\"d\"]}");
      // pages come from the same cached list
      var page = send("GET", list + "?n=2", null, null);
      assertThat(page.body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"a\",\"c\"]}");
      assertThat(page.headers().firstValue("Link")).contains("</v2/cache/app/tags/list?n=2&last=c>; rel=\"next\"");
      var rest = send("GET", list + "?n=2&last=c", null, null);
      assertThat(rest.body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"d\"]}");
      assertThat(rest.headers().firstValue("Link")).isEmpty();
      assertThat(send("GET", list + "?last=b", null, null).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[\"c\",\"d\"]}");
      assertThat(send("GET", list + "?n=0", null, null).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[]}");
      // the manifest deleted by digest through the replica takes its tags with it
      String digest = Digest.sha256(m).toString();
      assertThat(http.send(HttpRequest.newBuilder(other.resolve("/v2/cache/app/manifests/" + digest)).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(202);
      assertThat(send("GET", list, null, null).body()).isEqualTo("{\"name\":\"cache/app\",\"tags\":[]}");
    }
  }

  HttpResponse<String> get(URI server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(server.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
