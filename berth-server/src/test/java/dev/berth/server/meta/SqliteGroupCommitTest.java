package dev.berth.server.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes that queue behind a running one are committed together, each still atomic on its own:
 * one that fails (a manifest whose blob is unknown) is rolled back alone and its caller gets its
 * own exception; the others are committed and visible once their calls return.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteGroupCommitTest {
  private static final RepositoryName REPO = new RepositoryName("hoge/app");
  @TempDir Path dir;

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(UTF_8));
  }

  @Test
  void queuedWritesCommitTogetherAndAFailingOneIsRolledBackAlone() throws Exception {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("meta.db"));
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Digest layer = digest("layer");
      store.putBlob(layer, 10);
      store.linkBlob(REPO, layer);
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      // a write that keeps the write lock until the others have queued up behind it
      Future<?> first = pool.submit(() -> store.write("hold", c -> {
        holding.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return null;
      }));
      holding.await();
      long before = store.transactions.sum();
      List<Future<?>> ok = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        ManifestRecord m = new ManifestRecord(digest("m" + i), "application/vnd.oci.image.manifest.v1+json", 100, null, null,
            List.of(layer), List.of(), Map.of(), null);
        String tag = "t" + i;
        ok.add(pool.submit(() -> store.putManifest(REPO, m, tag)));
      }
      Digest unknown = digest("never pushed");
      Future<?> bad = pool.submit(() -> store.putManifest(REPO, new ManifestRecord(digest("bad"),
          "application/vnd.oci.image.manifest.v1+json", 100, null, null, List.of(unknown), List.of(), Map.of(), null), "bad"));
      Thread.sleep(300); // let every writer queue behind "hold"
      release.countDown();
      first.get();
      for (Future<?> f : ok) f.get();
      try {
        bad.get();
        throw new AssertionError("a manifest with an unknown blob was accepted");
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(UnknownBlobException.class);
      }
      assertThat(store.transactions.sum() - before).as("21 queued writes, committed in few transactions").isLessThanOrEqualTo(3);
      for (int i = 0; i < 20; i++) {
        assertThat(store.manifestByTag(REPO, "t" + i)).as("tag t" + i).isPresent();
      }
      assertThat(store.manifestByTag(REPO, "bad")).isEmpty();
      assertThat(store.manifest(REPO, digest("bad"))).isEmpty();
    }
  }

  @Test
  void aWriteInsideAWriteIsRefused() {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("nested.db"))) {
      try {
        store.write("outer", c -> store.write("inner", d -> null));
        throw new AssertionError("nested write ran");
      } catch (IllegalStateException e) {
        assertThat(e).hasMessageContaining("a write inside a write");
      }
    }
  }
}
