package dev.berth.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.ImageSink;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Platform;
import dev.berth.client.image.Progress;
import dev.berth.oci.Descriptor;
import dev.berth.oci.manifest.ParsedManifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies an image from any source to any sink: blobs first (in parallel; skipped when the sink
 * has them, mounted when it can), then child manifests, then the root manifest, then
 * {@link ImageSink#commit()}. Nothing names the image at the destination until all it refers to
 * is there.
 */
final class Copier {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FOREIGN_LAYER = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

  private final ImageSource source;
  private final ImageSink sink;
  private final CopyOptions options;
  private final Progress progress;
  private final AtomicInteger copied = new AtomicInteger();
  private final AtomicInteger existing = new AtomicInteger();
  private final AtomicInteger mounted = new AtomicInteger();
  private final AtomicLong bytesCopied = new AtomicLong();

  Copier(ImageSource source, ImageSink sink, CopyOptions options) {
    this.source = source;
    this.sink = sink;
    this.options = options;
    this.progress = options.progress();
  }

  CopyResult run(AtomicLong bytesUploaded) {
    Manifest root = source.root();
    Manifest written;
    if (root.isIndex()) {
      written = copyIndex(root);
    } else {
      if (!options.platforms().isEmpty()) checkPlatform(root);
      copyImage(root, true);
      written = root;
    }
    sink.commit();
    return new CopyResult(written.digest(), written.mediaType(), copied.get(), existing.get(), mounted.get(),
        bytesCopied.get(), bytesUploaded.get());
  }

  private void checkPlatform(Manifest image) {
    // A single-platform image: accept the filter when the image's config says it matches.
    ParsedManifest pm = image.parsed();
    try {
      byte[] cfg;
      try (var in = source.blob(pm.config()).open(0)) {
        cfg = in.readNBytes((int) Math.min(pm.config().size(), 16 << 20));
      }
      JsonNode c = JSON.readTree(cfg);
      Descriptor.Platform p = new Descriptor.Platform(c.path("os").asText(null), c.path("architecture").asText(null), c.path("variant").asText(null));
      for (Platform want : options.platforms()) if (want.matches(p)) return;
      throw ClientException.of(Category.NOT_FOUND, "select platform " + options.platforms() + " of " + source.describe(),
          "it is a single-platform image for " + p, "drop --platform, or pick another image");
    } catch (IOException e) {
      throw ClientException.builder(Category.NETWORK, "read the config of " + source.describe()).why(e.toString()).cause(e).build();
    }
  }

  private Manifest copyIndex(Manifest index) {
    ParsedManifest pm = index.parsed();
    List<Platform> wanted = options.platforms();
    if (wanted.isEmpty() && !sink.supportsIndex()) wanted = List.of(Platform.current());
    if (wanted.isEmpty()) {
      for (Descriptor child : pm.manifests()) copyChild(child);
      sink.putManifest(index, true);
      progress.manifestWritten(index, sink.describe());
      return index;
    }
    List<Descriptor> matching = new ArrayList<>();
    for (Descriptor child : pm.manifests()) {
      for (Platform p : wanted) {
        if (p.matches(child.platform())) {
          matching.add(child);
          break;
        }
      }
    }
    if (matching.isEmpty()) {
      List<String> have = pm.manifests().stream().map(d -> String.valueOf(d.platform())).toList();
      throw ClientException.of(Category.NOT_FOUND, "select platform " + wanted + " of " + source.describe(),
          "the index has no image for it; it has " + String.join(", ", have),
          "pick one of those with --platform");
    }
    if (wanted.size() == 1 || !sink.supportsIndex()) {
      Manifest image = source.manifest(matching.get(0));
      if (image.isIndex()) throw ClientException.of(Category.SERVER, "copy " + source.describe(), "nested indexes are not supported with --platform", null);
      copyImage(image, true);
      return image;
    }
    for (Descriptor child : matching) copyChild(child);
    Manifest filtered = filterIndex(index, matching);
    sink.putManifest(filtered, true);
    progress.manifestWritten(filtered, sink.describe());
    return filtered;
  }

  private void copyChild(Descriptor child) {
    Manifest m = source.manifest(child);
    if (m.isIndex()) {
      for (Descriptor grandchild : m.parsed().manifests()) copyChild(grandchild);
      sink.putManifest(m, false);
    } else {
      copyImage(m, false);
    }
  }

  private Manifest filterIndex(Manifest index, List<Descriptor> keep) {
    try {
      ObjectNode n = (ObjectNode) JSON.readTree(index.bytes());
      ArrayNode out = JSON.createArrayNode();
      java.util.Set<String> digests = new java.util.HashSet<>();
      keep.forEach(d -> digests.add(d.digest().toString()));
      for (JsonNode m : n.path("manifests")) if (digests.contains(m.path("digest").asText())) out.add(m);
      n.set("manifests", out);
      return Manifest.of(JSON.writeValueAsBytes(n), index.mediaType());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void copyImage(Manifest image, boolean isRoot) {
    ParsedManifest pm = image.parsed();
    Map<String, Descriptor> blobs = new LinkedHashMap<>();
    for (Descriptor d : pm.blobs()) {
      if (FOREIGN_LAYER.equals(d.mediaType())) continue; // foreign layers are fetched from their URLs, never copied
      blobs.putIfAbsent(d.digest().toString(), d);
    }
    progress.plan(blobs.size(), blobs.values().stream().mapToLong(Descriptor::size).sum());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(options.jobs(), Math.max(1, blobs.size())), r -> {
      Thread t = new Thread(r, "berth-blob");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor d : blobs.values()) futures.add(pool.submit(() -> copyBlob(d)));
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          futures.forEach(x -> x.cancel(true));
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw ClientException.of(Category.NETWORK, "copy " + source.describe(), "interrupted", null);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    sink.putManifest(image, isRoot);
    progress.manifestWritten(image, sink.describe());
  }

  private void copyBlob(Descriptor d) {
    progress.blobStarted(d);
    if (sink.hasBlob(d)) {
      existing.incrementAndGet();
      progress.blobDone(d, Progress.Outcome.EXISTS);
      return;
    }
    if (sink.mount(d, source)) {
      mounted.incrementAndGet();
      progress.blobDone(d, Progress.Outcome.MOUNTED);
      return;
    }
    sink.putBlob(d, source.blob(d), progress);
    copied.incrementAndGet();
    bytesCopied.addAndGet(d.size());
    progress.blobDone(d, Progress.Outcome.COPIED);
  }
}
