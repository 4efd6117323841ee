package dev.berth.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.Digest;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory written by an earlier berth (blob layout 1: {@code blobs/sha256/<xx>/<hex>/data})
 * keeps working: the first start moves every blob to {@code blobs/sha256/<xx>/<hex>}, including
 * blobs an interrupted earlier move left halfway, and every pull returns the same bytes.
 */
class StorageLayoutUpgradeTest {
  @TempDir Path data;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aDataDirectoryOfLayout1IsMovedOnceAndServesTheSameBytes() throws Exception {
    Map<Digest, byte[]> blobs = new LinkedHashMap<>();
    Random rnd = new Random(7);
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[100 + rnd.nextInt(5000)];
      rnd.nextBytes(b);
      blobs.put(Digest.sha256(b), b);
    }
    Digest config = blobs.keySet().iterator().next();
    Digest layer = new ArrayList<>(blobs.keySet()).get(1);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":"
        + blobs.get(config).length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + layer + "\",\"size\":" + blobs.get(layer).length + "}]}").getBytes(StandardCharsets.UTF_8);
    try (BerthServer s = start()) {
      for (Map.Entry<Digest, byte[]> e : blobs.entrySet()) {
        var r = send(s, "POST", "/v2/old/app/blobs/uploads/?digest=" + e.getKey(), e.getValue(), "application/octet-stream");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
      }
      var r = send(s, "PUT", "/v2/old/app/manifests/v1", manifest, "application/vnd.oci.image.manifest.v1+json");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    Path storage = data.resolve("storage");
    assertThat(storage.resolve("layout-version")).hasContent("2");

    assertThat(blobFiles(storage)).as("the manifest's bytes are in the metadata store, not a file").hasSize(blobs.size());

    // Layout 1 came with schema V3, which kept a manifest as a file in blob storage: put it there,
    // and take its bytes out of the metadata store.
    Digest manifestDigest = Digest.sha256(manifest);
    Path manifestFile = storage.resolve("blobs/sha256/" + manifestDigest.hex().substring(0, 2) + "/" + manifestDigest.hex());
    Files.createDirectories(manifestFile.getParent());
    Files.write(manifestFile, manifest);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("metadata.db"));
        PreparedStatement ps = c.prepareStatement("UPDATE blobs SET content = NULL WHERE digest = ?")) {
      ps.setString(1, manifestDigest.toString());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    // Turn the directory into what layout 1 looked like, with the states an interrupted move leaves.
    List<Path> files = blobFiles(storage);
    assertThat(files).hasSize(blobs.size() + 1); // and the manifest
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      Path moving = f.resolveSibling(f.getFileName() + ".moving");
      if (i == 0) {
        Files.move(f, moving); // stopped between the two moves
      } else if (i == 1) {
        Files.move(f, moving); // ... before the emptied directory was removed
        Files.createDirectory(f);
      } else {
        Files.move(f, moving);
        Files.createDirectory(f);
        Files.move(moving, f.resolve("data"));
      }
    }
    // what a write interrupted in layout 1 left: a blob directory holding only a temporary file
    Path stale = storage.resolve("blobs/sha256/ff/ff" + "0".repeat(62));
    Files.createDirectories(stale);
    Files.writeString(stale.resolve(".data~x1.tmp"), "partial");
    Files.delete(storage.resolve("layout-version"));

    try (BerthServer s = start()) {
      for (Map.Entry<Digest, byte[]> e : blobs.entrySet()) {
        var r = http.send(HttpRequest.newBuilder(s.baseUri().resolve("/v2/old/app/blobs/" + e.getKey())).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as(e.getKey().toString()).isEqualTo(e.getValue());
      }
      var m = http.send(HttpRequest.newBuilder(s.baseUri().resolve("/v2/old/app/manifests/v1"))
          .header("Accept", "application/vnd.oci.image.manifest.v1+json").build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).as("a manifest stored as a file by an earlier version").isEqualTo(manifest);
      // a new push after the move lands in the current layout
      byte[] fresh = "pushed after the upgrade".getBytes(StandardCharsets.UTF_8);
      var r = send(s, "POST", "/v2/old/app/blobs/uploads/?digest=" + Digest.sha256(fresh), fresh, "application/octet-stream");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    assertThat(storage.resolve("layout-version")).hasContent("2");
    assertThat(blobFiles(storage)).hasSize(blobs.size() + 2);
    try (Stream<Path> all = Files.walk(storage.resolve("blobs"))) {
      assertThat(all.map(p -> storage.relativize(p).toString()))
          .as("no blob directories, no half-moved blobs, nothing left of the interrupted write")
          .allMatch(p -> p.matches("blobs(/sha256(/[0-9a-f]{2}(/[0-9a-f]{64})?)?)?"));
    }
  }

  @Test
  void aLayoutNewerThanThisBerthIsRefusedWithTheReason() throws Exception {
    Files.createDirectories(data.resolve("storage"));
    Files.writeString(data.resolve("storage/layout-version"), "3\n");
    assertThatThrownBy(this::start).hasMessageContaining("blob layout 3").hasMessageContaining("cannot read");
    Files.writeString(data.resolve("storage/layout-version"), "two\n");
    assertThatThrownBy(this::start).hasMessageContaining("layout-version").hasMessageContaining("\"two\"");
  }

  private BerthServer start() throws Exception {
    return BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0));
  }

  private HttpResponse<String> send(BerthServer s, String method, String path, byte[] body, String type) throws Exception {
    return http.send(HttpRequest.newBuilder(s.baseUri().resolve(path))
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", type).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<Path> blobFiles(Path storage) throws Exception {
    try (Stream<Path> all = Files.walk(storage.resolve("blobs/sha256"))) {
      return all.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}")).sorted().toList();
    }
  }
}
