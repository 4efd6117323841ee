package dev.berth.client.layout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.BlobSource;
import dev.berth.client.image.ImageSink;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Progress;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/<alg>/<hex>}),
 * as skopeo, buildah, crane and Jib read and write it. Images in it are named by the
 * {@code org.opencontainers.image.ref.name} annotation of their {@code index.json} entry.
 */
public final class OciLayout {
  public static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OciLayout() {}

  static Path blobPath(Path dir, Digest d) {
    return dir.resolve("blobs").resolve(d.algorithm()).resolve(d.hex());
  }

  static ObjectNode readIndex(Path dir) {
    Path index = dir.resolve("index.json");
    if (!Files.isRegularFile(index)) {
      throw ClientException.of(Category.NOT_FOUND, "read OCI layout " + dir, "there is no index.json in it",
          "name a directory written by an OCI tool (skopeo copy … oci:DIR, berth pull … oci:DIR)");
    }
    try {
      JsonNode n = JSON.readTree(index.toFile());
      if (!(n instanceof ObjectNode o)) throw new IOException("index.json is not a JSON object");
      return o;
    } catch (IOException e) {
      throw ClientException.of(Category.INTEGRITY, "read OCI layout " + dir, "index.json is not valid: " + e.getMessage(), null);
    }
  }

  /** An image in a layout, by tag (or the only image when no tag is given). */
  public static final class Source implements ImageSource {
    private final Path dir;
    private final String tag;
    private Manifest root;

    public Source(Path dir, String tag) {
      this.dir = dir;
      this.tag = tag;
    }

    @Override
    public String describe() {
      return "oci:" + dir + (tag == null ? "" : ":" + tag);
    }

    @Override
    public synchronized Manifest root() {
      if (root != null) return root;
      ObjectNode index = readIndex(dir);
      List<JsonNode> entries = new ArrayList<>();
      index.path("manifests").forEach(entries::add);
      JsonNode chosen = null;
      List<String> names = new ArrayList<>();
      for (JsonNode e : entries) {
        String name = e.path("annotations").path(REF_NAME).asText(null);
        if (name != null) names.add(name);
        if (tag != null && tag.equals(name)) chosen = e;
      }
      if (tag == null && entries.size() == 1) chosen = entries.get(0);
      if (chosen == null) {
        String why = tag == null
            ? "it holds " + entries.size() + " images, so a tag is needed"
            : "no image in it is tagged \"" + tag + "\"";
        throw ClientException.of(Category.NOT_FOUND, "read " + describe(), why + (names.isEmpty() ? "" : "; tags: " + String.join(", ", names)),
            names.isEmpty() ? null : "name one: oci:" + dir + ":" + names.get(0));
      }
      Digest d = Digest.parse(chosen.path("digest").asText());
      String mt = chosen.path("mediaType").asText(MediaType.OCI_MANIFEST);
      root = read(new Descriptor(mt, d, chosen.path("size").asLong(-1)));
      return root;
    }

    private Manifest read(Descriptor d) {
      Path p = blobPath(dir, d.digest());
      try {
        byte[] bytes = Files.readAllBytes(p);
        Digest got = Digest.of(d.digest().algorithm(), bytes);
        if (!got.equals(d.digest())) {
          throw ClientException.of(Category.INTEGRITY, "read " + describe(), "manifest blob " + p + " hashes to " + got + ", not " + d.digest(),
              "the layout is corrupt; write it again");
        }
        Manifest m = Manifest.of(bytes, d.mediaType());
        return new Manifest(bytes, m.parsed().mediaType(), d.digest());
      } catch (IOException e) {
        throw ClientException.of(Category.NOT_FOUND, "read " + describe(), "manifest " + d.digest() + " is missing from the layout (" + e.getMessage() + ")",
            "the layout is incomplete; write it again");
      }
    }

    @Override
    public Manifest manifest(Descriptor d) {
      return read(d);
    }

    @Override
    public BlobSource blob(Descriptor d) {
      Path p = blobPath(dir, d.digest());
      return offset -> VerifiedFiles.open(p, offset);
    }

    @Override
    public Optional<String> nameForArchive() {
      return Optional.ofNullable(tag);
    }
  }

  /** Writes an image into a layout (created when missing), naming it by tag in index.json. */
  public static final class Sink implements ImageSink {
    private final Path dir;
    private final String tag;
    private Manifest root;

    public Sink(Path dir, String tag) {
      this.dir = dir;
      this.tag = tag;
      try {
        Files.createDirectories(dir.resolve("blobs"));
        Path layout = dir.resolve("oci-layout");
        if (!Files.exists(layout)) VerifiedFiles.writeBytes("{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8), layout);
      } catch (IOException e) {
        throw ClientException.builder(Category.LOCAL_IO, "create OCI layout " + dir).why(e.toString()).cause(e).build();
      }
    }

    @Override
    public String describe() {
      return "oci:" + dir + (tag == null ? "" : ":" + tag);
    }

    @Override
    public boolean hasBlob(Descriptor blob) {
      Path p = blobPath(dir, blob.digest());
      try {
        return Files.isRegularFile(p) && Files.size(p) == blob.size();
      } catch (IOException e) {
        return false;
      }
    }

    @Override
    public void putBlob(Descriptor blob, BlobSource content, Progress progress) {
      VerifiedFiles.write(blob, content, blobPath(dir, blob.digest()), progress, "write blob " + blob.digest() + " to " + describe());
    }

    @Override
    public void putManifest(Manifest m, boolean isRoot) {
      if (!hasBlob(m.descriptor())) {
        VerifiedFiles.write(m.descriptor(), offset -> new java.io.ByteArrayInputStream(m.bytes(), (int) offset, m.bytes().length - (int) offset),
            blobPath(dir, m.digest()), Progress.NONE, "write manifest " + m.digest() + " to " + describe());
      }
      if (isRoot) root = m;
    }

    @Override
    public void commit() {
      if (root == null) return;
      ObjectNode index = Files.exists(dir.resolve("index.json")) ? readIndex(dir) : JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.put("mediaType", MediaType.OCI_INDEX);
      ArrayNode old = index.has("manifests") && index.get("manifests").isArray() ? (ArrayNode) index.get("manifests") : JSON.createArrayNode();
      ArrayNode manifests = JSON.createArrayNode();
      for (JsonNode e : old) {
        String name = e.path("annotations").path(REF_NAME).asText(null);
        boolean replaced = tag != null ? tag.equals(name) : name == null && root.digest().toString().equals(e.path("digest").asText());
        if (!replaced) manifests.add(e);
      }
      ObjectNode entry = manifests.addObject();
      entry.put("mediaType", root.mediaType());
      entry.put("digest", root.digest().toString());
      entry.put("size", root.bytes().length);
      if (tag != null) entry.putObject("annotations").put(REF_NAME, tag);
      index.set("manifests", manifests);
      try {
        VerifiedFiles.writeBytes(JSON.writeValueAsBytes(index), dir.resolve("index.json"));
      } catch (IOException e) {
        throw ClientException.builder(Category.LOCAL_IO, "write " + dir.resolve("index.json")).why(e.toString()).cause(e).build();
      }
    }
  }
}
