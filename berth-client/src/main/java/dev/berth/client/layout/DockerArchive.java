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
import dev.berth.oci.Reference;
import dev.berth.oci.manifest.ParsedManifest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The tarball of {@code docker save} / {@code docker load}: {@code manifest.json} lists each image's
 * config file, {@code RepoTags} and layer files (uncompressed tars, named by path). Both the
 * classic form ({@code <id>/layer.tar}, {@code <hex>.json}) and the OCI-shaped form of newer
 * engines ({@code blobs/sha256/<hex>}, with symlinks) are read; the classic form is written.
 *
 * <p>Reading turns the image into a Docker schema 2 manifest with gzip layers (compressed into a
 * temporary directory, streaming) so that it can go to any registry. Writing decompresses layers
 * and checks each against the config's {@code rootfs.diff_ids} before the tarball is renamed into
 * place.
 */
public final class DockerArchive {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BUFFER = 1 << 20;

  private DockerArchive() {}

  /** Reads one image of a {@code docker save} tarball, chosen by tag or {@code @N}, or the only one. */
  public static final class Source implements ImageSource {
    private final Path file;
    private final String selector;
    private TarIndex tar;
    private Path temp;
    private Manifest root;
    private String repoTag;
    private byte[] config;
    private final Map<Digest, BlobSource> blobs = new HashMap<>();

    public Source(Path file, String selector) {
      this.file = file;
      this.selector = selector;
    }

    @Override
    public String describe() {
      return "docker-archive:" + file + (selector == null ? "" : ":" + selector);
    }

    @Override
    public synchronized Manifest root() {
      if (root != null) return root;
      String what = "read " + describe();
      try {
        if (!Files.isRegularFile(file)) throw ClientException.of(Category.NOT_FOUND, what, "no such file", "check the path");
        tar = TarIndex.read(file);
        TarIndex.Entry me = tar.find("manifest.json");
        if (me == null) {
          throw ClientException.of(Category.INTEGRITY, what, "it has no manifest.json, so it is not a docker-archive",
              "make one with docker save IMAGE -o FILE; for OCI layouts use oci:DIR");
        }
        JsonNode images = JSON.readTree(tar.readAll(me));
        JsonNode chosen = choose(images, what);
        JsonNode tags = chosen.path("RepoTags");
        repoTag = tags.isArray() && !tags.isEmpty() ? tags.get(0).asText() : null;
        TarIndex.Entry ce = tar.find(chosen.path("Config").asText());
        if (ce == null) throw ClientException.of(Category.INTEGRITY, what, "the config file " + chosen.path("Config").asText() + " is missing", null);
        config = tar.readAll(ce);
        Descriptor configDesc = new Descriptor(MediaType.DOCKER_CONFIG, Digest.sha256(config), config.length);
        blobs.put(configDesc.digest(), offset -> new ByteArrayInputStream(config, (int) offset, config.length - (int) offset));
        temp = Files.createTempDirectory("berth-archive-");
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaType.DOCKER_MANIFEST);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", configDesc.mediaType());
        c.put("size", configDesc.size());
        c.put("digest", configDesc.digest().toString());
        ArrayNode layers = m.putArray("layers");
        int i = 0;
        for (JsonNode l : chosen.path("Layers")) {
          TarIndex.Entry le = tar.find(l.asText());
          if (le == null) throw ClientException.of(Category.INTEGRITY, what, "layer file " + l.asText() + " is missing", null);
          Descriptor d = compressed(le, i++);
          ObjectNode ln = layers.addObject();
          ln.put("mediaType", d.mediaType());
          ln.put("size", d.size());
          ln.put("digest", d.digest().toString());
        }
        byte[] bytes = JSON.writeValueAsBytes(m);
        root = Manifest.of(bytes, MediaType.DOCKER_MANIFEST);
        return root;
      } catch (IOException e) {
        throw ClientException.builder(Category.INTEGRITY, what).why(e.getMessage()).cause(e)
            .remedy("check that the file is a complete docker save tarball").build();
      }
    }

    private JsonNode choose(JsonNode images, String what) {
      if (!images.isArray() || images.isEmpty()) throw ClientException.of(Category.INTEGRITY, what, "manifest.json lists no image", null);
      if (selector == null) {
        if (images.size() == 1) return images.get(0);
        throw ClientException.of(Category.USAGE, what, "it holds " + images.size() + " images", "choose one: docker-archive:FILE:TAG or docker-archive:FILE:@N");
      }
      if (selector.startsWith("@")) {
        int n = Integer.parseInt(selector.substring(1));
        if (n < 0 || n >= images.size()) throw ClientException.of(Category.NOT_FOUND, what, "it holds " + images.size() + " images, not " + (n + 1), null);
        return images.get(n);
      }
      String want = normalizeTag(selector);
      List<String> seen = new ArrayList<>();
      for (JsonNode img : images) {
        for (JsonNode t : img.path("RepoTags")) {
          seen.add(t.asText());
          if (normalizeTag(t.asText()).equals(want)) return img;
        }
      }
      throw ClientException.of(Category.NOT_FOUND, what, "no image is tagged " + selector + (seen.isEmpty() ? "" : "; tags: " + String.join(", ", seen)), null);
    }

    /** The layer as it goes to a registry: as is when already gzip, else gzipped into the temp dir. */
    private Descriptor compressed(TarIndex.Entry e, int index) throws IOException {
      byte[] magic;
      try (InputStream in = tar.open(e, 0)) {
        magic = in.readNBytes(2);
      }
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      if (magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        try (InputStream in = new java.security.DigestInputStream(tar.open(e, 0), md)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        Descriptor d = new Descriptor(MediaType.DOCKER_LAYER, Digest.fromMessageDigest(Digest.SHA256, md), e.size());
        blobs.put(d.digest(), offset -> tar.open(e, offset));
        return d;
      }
      Path out = temp.resolve("layer-" + index + ".tar.gz");
      try (InputStream in = new BufferedInputStream(tar.open(e, 0), BUFFER);
          OutputStream os = new GZIPOutputStream(new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(out), BUFFER), md), BUFFER)) {
        in.transferTo(os);
      }
      Descriptor d = new Descriptor(MediaType.DOCKER_LAYER, Digest.fromMessageDigest(Digest.SHA256, md), Files.size(out));
      blobs.put(d.digest(), offset -> VerifiedFiles.open(out, offset));
      return d;
    }

    @Override
    public Manifest manifest(Descriptor d) {
      throw ClientException.of(Category.NOT_FOUND, "read " + describe(), "a docker-archive holds no index", null);
    }

    @Override
    public BlobSource blob(Descriptor d) {
      root();
      BlobSource s = blobs.get(d.digest());
      if (s == null) throw ClientException.of(Category.NOT_FOUND, "read " + describe(), "it has no blob " + d.digest(), null);
      return s;
    }

    @Override
    public Optional<String> nameForArchive() {
      root();
      return Optional.ofNullable(repoTag);
    }

    @Override
    public void close() {
      deleteTree(temp);
    }
  }

  /** Writes one image as a {@code docker load}-able tarball, tagged with {@code repoTag} when given. */
  public static final class Sink implements ImageSink {
    private final Path file;
    private final String repoTag;
    private final Path temp;
    private final Map<Digest, Path> received = new LinkedHashMap<>();
    private Manifest root;
    private String sourceName;

    public Sink(Path file, String repoTag) {
      this.file = file;
      this.repoTag = repoTag;
      try {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.temp = Files.createTempDirectory(dir, ".berth-archive-");
      } catch (IOException e) {
        throw ClientException.builder(Category.LOCAL_IO, "write " + file).why(e.toString()).cause(e).build();
      }
    }

    /** The name to tag with when the destination names none (the source's tag). */
    public void defaultName(String name) {
      this.sourceName = name;
    }

    @Override
    public String describe() {
      return "docker-archive:" + file;
    }

    @Override
    public boolean supportsIndex() {
      return false;
    }

    @Override
    public synchronized boolean hasBlob(Descriptor blob) {
      return received.containsKey(blob.digest());
    }

    @Override
    public void putBlob(Descriptor blob, BlobSource content, Progress progress) {
      Path p = temp.resolve(blob.digest().hex());
      VerifiedFiles.write(blob, content, p, progress, "receive blob " + blob.digest() + " for " + describe());
      synchronized (this) {
        received.put(blob.digest(), p);
      }
    }

    @Override
    public void putManifest(Manifest manifest, boolean isRoot) {
      if (isRoot) root = manifest;
    }

    @Override
    public void commit() {
      String what = "write " + describe();
      ParsedManifest pm = root.parsed();
      if (pm.isIndex()) throw ClientException.of(Category.USAGE, what, "a docker-archive holds one platform's image, not an index", "choose one with --platform");
      try {
        byte[] config = Files.readAllBytes(received.get(pm.config().digest()));
        JsonNode diffIds = JSON.readTree(config).path("rootfs").path("diff_ids");
        if (diffIds.size() != pm.layers().size()) {
          throw ClientException.of(Category.INTEGRITY, what, "the config lists " + diffIds.size() + " diff_ids for " + pm.layers().size() + " layers", null);
        }
        List<String> layerNames = new ArrayList<>();
        Map<String, Path> layerFiles = new LinkedHashMap<>();
        for (int i = 0; i < pm.layers().size(); i++) {
          Descriptor l = pm.layers().get(i);
          Digest diffId = Digest.parse(diffIds.get(i).asText());
          String name = diffId.hex() + "/layer.tar";
          layerNames.add(name);
          if (layerFiles.containsKey(name)) continue;
          Path raw = temp.resolve("diff-" + diffId.hex() + ".tar");
          Digest got = decompress(received.get(l.digest()), raw, l.mediaType(), what);
          if (!got.equals(diffId)) {
            throw ClientException.of(Category.INTEGRITY, what, "layer " + l.digest() + " unpacks to " + got + ", but the config says " + diffId,
                "the image is inconsistent; docker load would refuse it");
          }
          layerFiles.put(name, raw);
        }
        String configName = pm.config().digest().hex() + ".json";
        ArrayNode manifestJson = JSON.createArrayNode();
        ObjectNode entry = manifestJson.addObject();
        entry.put("Config", configName);
        String tag = repoTag != null ? repoTag : sourceName;
        ArrayNode tags = entry.putArray("RepoTags");
        if (tag != null) tags.add(tag);
        ArrayNode ls = entry.putArray("Layers");
        layerNames.forEach(ls::add);
        Path tmpTar = temp.resolve("out.tar");
        try (TarWriter w = new TarWriter(new BufferedOutputStream(Files.newOutputStream(tmpTar), BUFFER))) {
          for (var e : layerFiles.entrySet()) {
            w.directory(e.getKey().substring(0, e.getKey().indexOf('/')));
            try (InputStream in = new BufferedInputStream(Files.newInputStream(e.getValue()), BUFFER)) {
              w.file(e.getKey(), Files.size(e.getValue()), in);
            }
          }
          w.file(configName, config);
          w.file("manifest.json", JSON.writeValueAsBytes(manifestJson));
        }
        VerifiedFiles.move(tmpTar, file);
      } catch (IOException e) {
        throw ClientException.builder(Category.LOCAL_IO, what).why(e.toString()).cause(e).build();
      }
    }

    private static Digest decompress(Path in, Path out, String mediaType, String what) throws IOException {
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      try (InputStream raw = new BufferedInputStream(Files.newInputStream(in), BUFFER)) {
        raw.mark(4);
        byte[] magic = raw.readNBytes(4);
        raw.reset();
        InputStream src;
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
          src = new GZIPInputStream(raw, BUFFER);
        } else if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
          throw ClientException.of(Category.USAGE, what, "a layer is zstd-compressed (" + mediaType + "), which berth cannot unpack for a docker-archive",
              "copy it to a registry or an OCI layout instead");
        } else {
          src = raw;
        }
        try (OutputStream os = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(out), BUFFER), md)) {
          src.transferTo(os);
        }
      }
      return Digest.fromMessageDigest(Digest.SHA256, md);
    }

    @Override
    public void close() {
      deleteTree(temp);
    }
  }

  /** {@code busybox} → {@code docker.io/library/busybox:latest}, for comparing tags. */
  static String normalizeTag(String t) {
    try {
      return Reference.parse(t).toString();
    } catch (RuntimeException e) {
      return t;
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
