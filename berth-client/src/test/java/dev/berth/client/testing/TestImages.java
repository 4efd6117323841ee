package dev.berth.client.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Writes real images into OCI layouts for tests: each layer a gzip tar with one file of random
 * bytes (so a container runtime can unpack it), a config whose diff_ids match, and optionally a
 * two-platform index. Large layers are written streaming.
 */
public final class TestImages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestImages() {}

  public record Blob(String mediaType, Digest digest, long size) {}

  /** A one-image layout tagged {@code tag}; returns the manifest's digest. */
  public static Digest image(Path layout, String tag, long seed, long... layerSizes) throws IOException {
    Blob m = writeImage(layout, "linux", "amd64", seed, layerSizes);
    writeIndexJson(layout, List.of(new Entry(m, tag)));
    return m.digest();
  }

  /** A two-platform (linux/amd64, linux/arm64) index tagged {@code tag}; returns the index's digest. */
  public static Digest index(Path layout, String tag, long seed) throws IOException {
    Blob amd = writeImage(layout, "linux", "amd64", seed, 2048, 4096);
    Blob arm = writeImage(layout, "linux", "arm64", seed + 1, 3072);
    ObjectNode idx = JSON.createObjectNode();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode ms = idx.putArray("manifests");
    for (var p : List.of(new Object[] {amd, "amd64"}, new Object[] {arm, "arm64"})) {
      Blob b = (Blob) p[0];
      ObjectNode d = ms.addObject();
      d.put("mediaType", b.mediaType());
      d.put("digest", b.digest().toString());
      d.put("size", b.size());
      d.putObject("platform").put("architecture", (String) p[1]).put("os", "linux");
    }
    Blob index = writeBlob(layout, MediaType.OCI_INDEX, JSON.writeValueAsBytes(idx));
    writeIndexJson(layout, List.of(new Entry(index, tag)));
    return index.digest();
  }

  record Entry(Blob blob, String tag) {}

  static void writeIndexJson(Path layout, List<Entry> entries) throws IOException {
    ObjectNode idx = JSON.createObjectNode();
    idx.put("schemaVersion", 2);
    ArrayNode ms = idx.putArray("manifests");
    for (Entry e : entries) {
      ObjectNode d = ms.addObject();
      d.put("mediaType", e.blob.mediaType());
      d.put("digest", e.blob.digest().toString());
      d.put("size", e.blob.size());
      d.putObject("annotations").put("org.opencontainers.image.ref.name", e.tag);
    }
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(idx));
  }

  static Blob writeImage(Path layout, String os, String arch, long seed, long... layerSizes) throws IOException {
    ArrayNode diffIds = JSON.createArrayNode();
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MediaType.OCI_MANIFEST);
    ArrayNode layers = JSON.createArrayNode();
    for (int i = 0; i < layerSizes.length; i++) {
      Blob[] l = writeLayer(layout, "file-" + seed + "-" + i, layerSizes[i], seed * 31 + i);
      diffIds.add(l[1].digest().toString());
      ObjectNode d = layers.addObject();
      d.put("mediaType", MediaType.OCI_LAYER_TAR_GZIP);
      d.put("digest", l[0].digest().toString());
      d.put("size", l[0].size());
    }
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", arch);
    config.put("os", os);
    config.put("created", "2024-01-01T00:00:00Z");
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    rootfs.set("diff_ids", diffIds);
    Blob cfg = writeBlob(layout, MediaType.OCI_CONFIG, JSON.writeValueAsBytes(config));
    ObjectNode c = manifest.putObject("config");
    c.put("mediaType", cfg.mediaType());
    c.put("digest", cfg.digest().toString());
    c.put("size", cfg.size());
    manifest.set("layers", layers);
    return writeBlob(layout, MediaType.OCI_MANIFEST, JSON.writeValueAsBytes(manifest));
  }

  public static Blob writeBlob(Path layout, String mediaType, byte[] bytes) throws IOException {
    Digest d = Digest.sha256(bytes);
    Path p = layout.resolve("blobs/sha256/" + d.hex());
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
    return new Blob(mediaType, d, bytes.length);
  }

  /** Returns {compressed, uncompressed} blobs of a tar holding one file of {@code size} random bytes. */
  static Blob[] writeLayer(Path layout, String fileName, long size, long seed) throws IOException {
    Path dir = layout.resolve("blobs/sha256");
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "layer", ".tmp");
    MessageDigest gz = Digest.newMessageDigest("sha256");
    MessageDigest raw = Digest.newMessageDigest("sha256");
    try (OutputStream file = Files.newOutputStream(tmp);
        DigestOutputStream gzd = new DigestOutputStream(file, gz);
        GZIPOutputStream gzip = new GZIPOutputStream(gzd, 1 << 16);
        DigestOutputStream tar = new DigestOutputStream(gzip, raw)) {
      tar.write(tarHeader(fileName, size));
      Random r = new Random(seed);
      byte[] buf = new byte[1 << 16];
      long left = size;
      while (left > 0) {
        r.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        tar.write(buf, 0, n);
        left -= n;
      }
      int pad = (int) ((512 - size % 512) % 512);
      tar.write(new byte[pad + 1024]);
    }
    Digest gzDigest = new Digest("sha256", HexFormat.of().formatHex(gz.digest()));
    Digest rawDigest = new Digest("sha256", HexFormat.of().formatHex(raw.digest()));
    long gzSize = Files.size(tmp);
    Files.move(tmp, dir.resolve(gzDigest.hex()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return new Blob[] {new Blob(MediaType.OCI_LAYER_TAR_GZIP, gzDigest, gzSize), new Blob("tar", rawDigest, 0)};
  }

  static byte[] tarHeader(String name, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, 8, Long.toOctalString(0644));
    put(h, 108, 8, "0");
    put(h, 116, 8, "0");
    put(h, 124, 12, Long.toOctalString(size));
    put(h, 136, 12, "0");
    h[156] = '0';
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    put(h, 148, 7, Long.toOctalString(sum));
    return h;
  }

  private static void put(byte[] h, int off, int len, String octal) {
    String s = "0".repeat(Math.max(0, len - 1 - octal.length())) + octal;
    System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
  }

  /** Every file under a layout's blobs, for comparing two layouts. */
  public static java.util.SortedSet<String> blobNames(Path layout) throws IOException {
    try (var s = Files.walk(layout.resolve("blobs"))) {
      return s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }
  }

}
