package dev.berth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * OCI image layouts on disk (oci-layout, index.json, blobs/sha256/...), written by the test itself
 * so that every byte and digest is known in advance. Layers are uncompressed tars
 * ({@code application/vnd.oci.image.layer.v1.tar}), so a layer's digest is also its diff_id.
 */
final class OciLayout {
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX_TYPE = "application/vnd.oci.image.index.v1+json";
  static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";
  static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciLayout() {}

  /** A content descriptor. */
  record Descriptor(String mediaType, String digest, long size) {}

  /** What was written: the manifest (digest and exact bytes), its config and layers. */
  record Image(Path dir, String tag, Descriptor manifest, byte[] manifestBytes, Descriptor config, List<Descriptor> layers) {
    /** Every blob of the image: manifest, config, layers. */
    List<String> blobDigests() {
      List<String> all = new ArrayList<>();
      all.add(manifest.digest());
      all.add(config.digest());
      layers.forEach(l -> all.add(l.digest()));
      return all;
    }
  }

  /** Builds one image in a layout directory. */
  static final class Builder {
    private final Path dir;
    private final List<Descriptor> layers = new ArrayList<>();
    private final Map<String, String> labels = new TreeMap<>();
    private String architecture = "amd64";

    Builder(Path dir) {
      this.dir = dir;
      try {
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Adds a layer whose tar is written by {@code content}, streamed to disk and hashed on the way. */
    Builder layer(TarContent content) {
      layers.add(writeBlob(dir, LAYER_TYPE, out -> {
        try (TarWriter tar = new TarWriter(out)) {
          content.write(tar);
        }
      }));
      return this;
    }

    Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    Builder architecture(String architecture) {
      this.architecture = architecture;
      return this;
    }

    /** Writes config, manifest and index.json (with {@code tag} as the ref name). */
    Image build(String tag) {
      Image image = buildManifest(tag);
      writeIndexJson(dir, tag, image.manifest());
      return image;
    }

    /** Writes config and manifest blobs only; index.json is left to {@link OciLayout#index}. */
    Image buildManifest(String tag) {
      ObjectNode config = RegistryHttp.JSON.createObjectNode();
      config.put("created", "2024-01-01T00:00:00Z");
      config.put("architecture", architecture);
      config.put("os", "linux");
      ObjectNode cfg = config.putObject("config");
      cfg.putArray("Cmd").add("/app/run.sh");
      ObjectNode labelNode = cfg.putObject("Labels");
      labels.forEach(labelNode::put);
      ObjectNode rootfs = config.putObject("rootfs");
      rootfs.put("type", "layers");
      ArrayNode diffIds = rootfs.putArray("diff_ids");
      layers.forEach(l -> diffIds.add(l.digest())); // uncompressed: diff_id == layer digest
      Descriptor configDesc = writeJson(dir, CONFIG_TYPE, config);

      ObjectNode manifest = RegistryHttp.JSON.createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", MANIFEST_TYPE);
      manifest.set("config", descriptorJson(configDesc));
      ArrayNode layerArray = manifest.putArray("layers");
      layers.forEach(l -> layerArray.add(descriptorJson(l)));
      manifest.putObject("annotations").put("dev.berth.it.written-by", "berth-it");
      byte[] manifestBytes = bytes(manifest);
      Descriptor manifestDesc = writeBlob(dir, MANIFEST_TYPE, out -> out.write(manifestBytes));
      return new Image(dir, tag, manifestDesc, manifestBytes, configDesc, List.copyOf(layers));
    }
  }

  /** A multi-platform image: an image index blob over per-platform manifests, tagged in index.json. */
  record MultiPlatform(Path dir, String tag, Descriptor index, byte[] indexBytes, List<Image> images) {}

  /**
   * Writes an image index over {@code images} (all built with {@link Builder#buildManifest} in
   * {@code dir}, each for linux on its architecture) and tags it {@code tag} in index.json.
   */
  static MultiPlatform index(Path dir, String tag, Map<String, Image> imagesByArchitecture) {
    ObjectNode index = RegistryHttp.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX_TYPE);
    ArrayNode manifests = index.putArray("manifests");
    imagesByArchitecture.forEach((arch, image) -> {
      ObjectNode d = descriptorJson(image.manifest());
      d.putObject("platform").put("architecture", arch).put("os", "linux");
      manifests.add(d);
    });
    byte[] indexBytes = bytes(index);
    Descriptor indexDesc = writeBlob(dir, INDEX_TYPE, out -> out.write(indexBytes));
    writeIndexJson(dir, tag, indexDesc);
    return new MultiPlatform(dir, tag, indexDesc, indexBytes, List.copyOf(imagesByArchitecture.values()));
  }

  /** index.json with one entry, {@code target} named {@code tag}. */
  private static void writeIndexJson(Path dir, String tag, Descriptor target) {
    ObjectNode index = RegistryHttp.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX_TYPE);
    ObjectNode entry = descriptorJson(target);
    entry.putObject("annotations").put(REF_NAME, tag);
    index.putArray("manifests").add(entry);
    try {
      Files.write(dir.resolve("index.json"), bytes(index));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the entries of one layer. */
  interface TarContent {
    void write(TarWriter tar) throws IOException;
  }

  /** Streams {@code size} bytes from a seeded PRNG: incompressible, reproducible, never all in memory. */
  static TarWriter.Content randomBytes(long seed, long size) {
    return out -> {
      SplittableRandom random = new SplittableRandom(seed);
      byte[] buf = new byte[1 << 20];
      long left = size;
      while (left > 0) {
        random.nextBytes(buf);
        int n = (int) Math.min(buf.length, left);
        out.write(buf, 0, n);
        left -= n;
      }
    };
  }

  /** The manifest digest that index.json of {@code dir} gives for {@code tag}. */
  static String manifestDigest(Path dir, String tag) {
    try {
      JsonNode index = RegistryHttp.JSON.readTree(dir.resolve("index.json").toFile());
      for (JsonNode m : index.get("manifests")) {
        JsonNode ann = m.get("annotations");
        if (ann != null && tag.equals(ann.path(REF_NAME).asText())) {
          return m.get("digest").asText();
        }
      }
      throw new AssertionError("no manifest tagged " + tag + " in " + dir + "/index.json: " + index);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every blob file in the layout, by digest, each re-hashed to check that its name is its digest. */
  static Map<String, Long> verifiedBlobs(Path dir) {
    Map<String, Long> blobs = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir.resolve("blobs/sha256"))) {
      for (Path f : files.toList()) {
        String digest = "sha256:" + f.getFileName();
        String actual = Sha256.of(f);
        if (!actual.equals(digest)) {
          throw new AssertionError("blob " + f + " has content with digest " + actual);
        }
        blobs.put(digest, Files.size(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return blobs;
  }

  static Path blobPath(Path dir, String digest) {
    return dir.resolve("blobs/sha256").resolve(Sha256.hex(digest));
  }

  private static ObjectNode descriptorJson(Descriptor d) {
    ObjectNode n = RegistryHttp.JSON.createObjectNode();
    n.put("mediaType", d.mediaType());
    n.put("digest", d.digest());
    n.put("size", d.size());
    return n;
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return RegistryHttp.JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Descriptor writeJson(Path dir, String mediaType, JsonNode node) {
    byte[] b = bytes(node);
    return writeBlob(dir, mediaType, out -> out.write(b));
  }

  private interface BlobContent {
    void write(OutputStream out) throws IOException;
  }

  /** Streams a blob into blobs/sha256, hashing it on the way, and names it by its digest. */
  private static Descriptor writeBlob(Path dir, String mediaType, BlobContent content) {
    try {
      Path tmp = Files.createTempFile(dir.resolve("blobs"), "blob", ".tmp");
      MessageDigest md = Sha256.newDigest();
      try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16), md)) {
        content.write(out);
      }
      String digest = Sha256.format(md);
      long size = Files.size(tmp);
      Files.move(tmp, blobPath(dir, digest), StandardCopyOption.REPLACE_EXISTING);
      return new Descriptor(mediaType, digest, size);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
