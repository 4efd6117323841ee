package dev.berth.bench.jmh;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.server.meta.ManifestRecord;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.meta.SqliteMetadataStore;
import dev.berth.server.registry.BlobStore;
import dev.berth.server.registry.ManifestService;
import dev.berth.server.registry.TagLists;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a manifest GET does below HTTP: resolve the tag in the SQLite index and fetch the content
 * (from the manifest cache), in a repository of 1000 tags; and the tag list query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ManifestLookupBench {
  static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  Path dir;
  SqliteMetadataStore meta;
  StorageDriver driver;
  ManifestService manifests;
  TagLists tagLists;
  final RepositoryName repo = RepositoryName.parse("bench/lookup");
  Digest first;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("berth-jmh");
    meta = SqliteMetadataStore.open(dir.resolve("metadata.db"));
    driver = StorageDriverFactory.find("filesystem").create(Map.of("root", dir.resolve("storage").toString()));
    manifests = new ManifestService(meta, new BlobStore(driver), 64L << 20);
    tagLists = new TagLists(meta, 200_000);
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\"}".getBytes(StandardCharsets.UTF_8);
    Digest c = Digest.sha256(config);
    meta.putBlob(c, config.length);
    meta.linkBlob(repo, c);
    for (int i = 0; i < 1000; i++) {
      byte[] m = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
          + "\"digest\":\"" + c + "\",\"size\":" + config.length + "},\"layers\":[],\"annotations\":{\"n\":\"" + i + "\"}}")
          .getBytes(StandardCharsets.UTF_8);
      ManifestService.Pushed p = manifests.put(repo, String.format("v%04d", i), OCI, m);
      if (i == 0) first = p.digest();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    meta.close();
    driver.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public ManifestService.Found getByTagThroughService() throws IOException {
    return manifests.get(repo, "v0500");
  }

  @Benchmark
  public ManifestService.Found getByDigestThroughService() throws IOException {
    return manifests.get(repo, first.toString());
  }

  @Benchmark
  public Optional<ManifestRecord> sqliteManifestByTag() {
    return meta.manifestByTag(repo, "v0500");
  }

  @Benchmark
  @Threads(4)
  public Optional<ManifestRecord> sqliteManifestByTag4Threads() {
    return meta.manifestByTag(repo, "v0500");
  }

  @Benchmark
  public Optional<MetadataStore.ManifestHead> sqliteManifestHeadByTag() {
    return meta.manifestHead(repo, "v0500", null);
  }

  @Benchmark
  public List<String> tagList1000() {
    return meta.tags(repo, null, Integer.MAX_VALUE);
  }

  /** What a tag list request does below HTTP now: the version check, then the cached body. */
  @Benchmark
  public byte[] tagList1000Cached() {
    return tagLists.get(repo).orElseThrow().json();
  }
}
