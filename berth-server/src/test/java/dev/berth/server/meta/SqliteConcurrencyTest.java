package dev.berth.server.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads pushing the same content and moving the same tag: every operation succeeds (no
 * SQLITE_BUSY escapes), readers never see a half-moved tag, and the end state is consistent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteConcurrencyTest {
  private static final int THREADS = 16;
  private static final RepositoryName REPO = new RepositoryName("hoge/fuga/app");
  private static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";

  @TempDir Path dir;

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(UTF_8));
  }

  private static ManifestRecord image(String seed, Digest... blobs) {
    return new ManifestRecord(digest("manifest:" + seed), MEDIA_TYPE, 100, null, null, List.of(blobs), List.of(),
        Map.of(), null);
  }

  @Test
  void sixteenThreadsPushTheSameContentAndMoveTheSameTag() throws Exception {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("meta.db"))) {
      hammer(List.of(store), 40);
    }
  }

  /**
   * Two stores on one file stand for two processes (say, the server and the CLI): now writers
   * really contend for SQLite's lock, which BEGIN IMMEDIATE plus the busy timeout must absorb.
   */
  @Test
  void twoStoresOnOneFileContendWithoutErrors() throws Exception {
    Path file = dir.resolve("shared.db");
    var options = SqliteMetadataStore.Options.defaults().withBusyTimeout(Duration.ofSeconds(30));
    try (SqliteMetadataStore a = SqliteMetadataStore.open(file, options);
        SqliteMetadataStore b = SqliteMetadataStore.open(file, options)) {
      hammer(List.of(a, b), 15);
    }
  }

  private void hammer(List<SqliteMetadataStore> stores, int rounds) throws Exception {
    Digest shared = digest("shared-layer");
    ManifestRecord sharedManifest = image("shared", shared);
    List<ManifestRecord> own = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) own.add(image("thread-" + t, shared, digest("layer-" + t)));
    Set<Digest> ownDigests = own.stream().map(ManifestRecord::digest).collect(Collectors.toSet());

    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger badReads = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    try (ExecutorService ex = Executors.newFixedThreadPool(THREADS)) {
      for (int t = 0; t < THREADS; t++) {
        int id = t;
        MetadataStore store = stores.get(t % stores.size());
        ex.submit(() -> {
          try {
            start.await();
            Digest mine = digest("layer-" + id);
            String upload = "upload-" + id;
            store.createUpload(new UploadRecord(upload, REPO, 0, Instant.now(), Instant.now()));
            for (int i = 0; i < rounds; i++) {
              store.putBlob(shared, 1000);
              store.putBlob(mine, 10);
              store.linkBlob(REPO, shared);
              store.putManifest(REPO, sharedManifest, "shared");
              store.putManifest(REPO, own.get(id), "moving");
              assertThat(store.advanceUpload(upload, i, i + 1, Instant.now())).isTrue();
              // a tag is always somewhere whole, never missing or half-moved
              var seen = store.manifestByTag(REPO, "moving");
              if (seen.isEmpty() || !ownDigests.contains(seen.get().digest()) || seen.get().blobs().size() != 2) {
                badReads.incrementAndGet();
              }
              if (!store.isLinked(REPO, shared) || !store.isLinked(REPO, mine)) badReads.incrementAndGet();
              if (store.repositories(null, 10).size() != 1) badReads.incrementAndGet();
            }
          } catch (Throwable e) {
            failures.add(e);
          }
          return null;
        });
      }
      start.countDown();
    }
    assertThat(failures).as("operations that failed").isEmpty();
    assertThat(badReads.get()).as("inconsistent reads").isZero();

    MetadataStore s = stores.getFirst();
    assertThat(s.repositories(null, 100)).containsExactly(REPO.value());
    assertThat(s.tags(REPO, null, 100)).containsExactly("moving", "shared");
    ManifestRecord moving = s.manifestByTag(REPO, "moving").orElseThrow();
    assertThat(ownDigests).contains(moving.digest());
    assertThat(s.tagsOf(REPO, moving.digest())).containsExactly("moving");
    assertThat(s.manifestByTag(REPO, "shared")).map(ManifestRecord::blobs).contains(List.of(shared));
    for (ManifestRecord m : own) {
      assertThat(s.manifest(REPO, m.digest())).map(ManifestRecord::blobs).contains(m.blobs());
    }
    assertThat(s.blobSize(shared)).contains(1000L);
    for (int t = 0; t < THREADS; t++) {
      assertThat(s.upload("upload-" + t)).map(UploadRecord::size).contains((long) rounds);
    }
  }

  @Test
  void concurrentAppendersToOneUploadAdvanceItExactlyOncePerStep() throws Exception {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("cas.db"))) {
      store.createUpload(new UploadRecord("u", REPO, 0, Instant.now(), Instant.now()));
      AtomicInteger wins = new AtomicInteger();
      CountDownLatch start = new CountDownLatch(1);
      try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int t = 0; t < THREADS; t++) {
          ex.submit(() -> {
            start.await();
            for (int step = 0; step < 50; step++) {
              // everyone tries to append chunk #step; exactly one may win
              if (store.advanceUpload("u", step * 10L, step * 10L + 10, Instant.now())) wins.incrementAndGet();
              while (store.upload("u").orElseThrow().size() < step * 10L + 10) Thread.onSpinWait();
            }
            return null;
          });
        }
        start.countDown();
      }
      assertThat(wins.get()).isEqualTo(50);
      assertThat(store.upload("u")).map(UploadRecord::size).contains(500L);
    }
  }
}
