package dev.berth.server.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite store against the contract, plus what is specific to it. */
class SqliteMetadataStoreTest extends MetadataStoreContract {
  @TempDir Path dir;

  private Path dbFile() {
    return dir.resolve("meta.db");
  }

  @Override
  protected MetadataStore createStore() {
    return SqliteMetadataStore.open(dbFile());
  }

  private SqliteMetadataStore sqlite() {
    return (SqliteMetadataStore) store;
  }

  @Test
  void connectionsAreConfiguredForWalDurabilityAndIntegrity() {
    assertThat(sqlite().writerPragma("journal_mode")).isEqualTo("wal");
    assertThat(sqlite().writerPragma("synchronous")).isEqualTo("1"); // NORMAL
    assertThat(sqlite().writerPragma("foreign_keys")).isEqualTo("1");
    assertThat(sqlite().writerPragma("busy_timeout")).isEqualTo("10000");
    assertThat(sqlite().readerPragma("query_only")).isEqualTo("1");
    assertThat(sqlite().readerPragma("busy_timeout")).isEqualTo("10000");
  }

  @Test
  void fullSynchronousCanBeChosen() {
    try (SqliteMetadataStore full = SqliteMetadataStore.open(dir.resolve("full.db"),
        SqliteMetadataStore.Options.defaults().withSynchronous(SqliteMetadataStore.Synchronous.FULL))) {
      assertThat(full.writerPragma("synchronous")).isEqualTo("2");
    }
  }

  @Test
  void createsMissingDirectories() {
    Path nested = dir.resolve("a/b/meta.db");
    try (SqliteMetadataStore s = SqliteMetadataStore.open(nested)) {
      assertThat(s.repositories(null, 10)).isEmpty();
    }
    assertThat(nested).exists();
  }

  @Test
  void committedDataSurvivesCloseAndReopen() {
    Digest layer = digest("layer");
    ManifestRecord m = push(REPO, "m", "v1", layer);
    store.createUpload(new UploadRecord("u1", OTHER, 5, T0, T0));
    store.close();
    store = SqliteMetadataStore.open(dbFile());
    assertThat(store.manifestByTag(REPO, "v1")).map(ManifestRecord::digest).contains(m.digest());
    assertThat(store.isLinked(REPO, layer)).isTrue();
    assertThat(store.upload("u1")).contains(new UploadRecord("u1", OTHER, 5, T0, T0));
    assertThat(store.repositories(null, 10)).containsExactly(REPO.value());
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClearly() {
    store.close();
    store.close();
    assertThatThrownBy(() -> store.blobSize(digest("x"))).isInstanceOf(MetadataException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> store.putBlob(digest("x"), 1)).isInstanceOf(MetadataException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void aFileThatIsNotADatabaseIsRefused() throws Exception {
    Path junk = dir.resolve("junk.db");
    Files.writeString(junk, "this is not a database, just some text long enough to look like a header".repeat(20));
    assertThatThrownBy(() -> SqliteMetadataStore.open(junk)).isInstanceOf(MetadataException.class)
        .hasMessageContaining(junk.toString());
  }

  @Test
  void readsQueueForAPooledConnectionInsteadOfFailing() throws Exception {
    store.close();
    store = SqliteMetadataStore.open(dbFile(), SqliteMetadataStore.Options.defaults().withReadConnections(1));
    push(REPO, "m", "t", digest("layer"));
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(ex.submit(() -> store.manifestByTag(REPO, "t").isPresent() && store.isLinked(REPO, digest("layer"))));
      }
      for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
    }
  }

  @Test
  void foreignKeysKeepTheIndexConsistent() throws Exception {
    // A tag can only point at a manifest of its own repository: check the schema enforces it,
    // not just the store's code.
    push(REPO, "m", "t");
    ManifestRecord other = push(OTHER, "o", null);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile() + "?foreign_keys=true");
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate(
          "UPDATE tags SET digest = '" + other.digest() + "' WHERE name = 't'"))
          .hasMessageContaining("FOREIGN KEY");
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM blobs")).hasMessageContaining("FOREIGN KEY");
    }
  }

  @Test
  void aFailedWriteLeavesNothingBehindAndTheWriterKeepsWorking() {
    assertThatThrownBy(() -> sqlite().write("test", w -> {
      PreparedStatement ps = w.ps(SqliteMetadataStore.INSERT_REPO);
      ps.setLong(1, 99);
      ps.setString(2, REPO.value());
      ps.setLong(3, 0);
      ps.executeUpdate();
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(store.repositoryExists(REPO)).isFalse();

    store.createUpload(new UploadRecord("u1", REPO, 0, T0, T0));
    assertThatThrownBy(() -> sqlite().write("test", w -> {
      PreparedStatement ps = w.ps(SqliteMetadataStore.DELETE_UPLOAD);
      ps.setString(1, "u1");
      ps.executeUpdate();
      PreparedStatement dup = w.ps(SqliteMetadataStore.INSERT_REPO);
      for (int i = 0; i < 2; i++) { // the second insert violates the primary key
        dup.setLong(1, 7);
        dup.setString(2, "r" + i);
        dup.setLong(3, 0);
        dup.executeUpdate();
      }
      return null;
    })).isInstanceOf(MetadataException.class);
    assertThat(store.upload("u1")).isPresent();
    assertThat(store.repositories(null, 10)).isEmpty();

    push(REPO, "m", "t");
    assertThat(store.manifestByTag(REPO, "t")).isPresent();
  }

  /**
   * Readers must not hold read transactions open between calls: one that did would pin the WAL
   * (no checkpoint could pass it) and it would grow without bound.
   */
  @Test
  void idleConnectionsHoldNoTransactionSoTheWalCanBeCheckpointed() throws Exception {
    store.close();
    store = SqliteMetadataStore.open(dbFile(),
        SqliteMetadataStore.Options.defaults().withReadConnections(2).withBusyTimeout(Duration.ofMillis(200)));
    for (int i = 0; i < 20; i++) {
      push(REPO, "m" + i, "t" + i, digest("layer" + i));
      store.createUpload(new UploadRecord("u" + i, REPO, 0, T0, T0));
    }
    for (int i = 0; i < 20; i++) {
      // every read path, through every pooled connection
      store.manifestByTag(REPO, "t" + i);
      store.manifest(REPO, digest("manifest:m" + i));
      store.isLinked(REPO, digest("layer" + i));
      store.linkedBlobSize(REPO, digest("layer" + i));
      store.blobSize(digest("layer" + i));
      store.tags(REPO, null, 3);
      store.tagsOf(REPO, digest("manifest:m" + i));
      store.referrers(REPO, digest("x"), null);
      store.repositoryExists(REPO);
      store.repositories(null, 1);
      store.upload("u" + i);
      store.staleUploads(T0.plusSeconds(1), 2);
    }
    push(REPO, "last", "last");
    // busy = 0: no reader kept a snapshot; the WAL was fully checkpointed and truncated
    assertThat(sqlite().writerPragma("wal_checkpoint(TRUNCATE)")).isEqualTo("0");
    assertThat(Files.size(dir.resolve("meta.db-wal"))).isZero();
  }

  /**
   * The registry's hot paths (manifest GET, blob HEAD/GET, tag and catalog lists, referrers) must
   * be single index searches: no full scan, no sort.
   */
  @Test
  void hotQueriesAreIndexSearches() throws Exception {
    // Some data so that the planner has real tables; plans do not depend on it (no ANALYZE).
    push(REPO, "m", "t", digest("layer"));
    store.putManifest(REPO, referrer("r", digest("s"), "a/b", Map.of()), null);
    Map<String, String> queries = new java.util.LinkedHashMap<>();
    queries.put("manifest by digest", SqliteMetadataStore.MANIFEST_BY_DIGEST);
    queries.put("manifest by tag", SqliteMetadataStore.MANIFEST_BY_TAG);
    queries.put("is linked", SqliteMetadataStore.IS_LINKED);
    queries.put("linked blob size", SqliteMetadataStore.LINKED_SIZE);
    queries.put("blob size", SqliteMetadataStore.BLOB_SIZE);
    queries.put("tags", SqliteMetadataStore.TAGS);
    queries.put("tags of", SqliteMetadataStore.TAGS_OF);
    queries.put("referrers", SqliteMetadataStore.REFERRERS);
    queries.put("repositories", SqliteMetadataStore.REPOSITORIES);
    queries.put("repository exists", SqliteMetadataStore.REPO_EXISTS);
    queries.put("upload", SqliteMetadataStore.UPLOAD);
    queries.put("stale uploads", SqliteMetadataStore.STALE_UPLOADS);
    queries.put("delete tag", SqliteMetadataStore.DELETE_TAG);
    queries.put("unlink", SqliteMetadataStore.DELETE_LINK);
    queries.put("tags of (by id)", SqliteMetadataStore.TAGS_OF_ID);
    queries.put("manifest head by tag", SqliteMetadataStore.HEAD_BY_TAG);
    queries.put("manifest head by digest", SqliteMetadataStore.HEAD_BY_DIGEST);
    queries.put("tag version", SqliteMetadataStore.TAG_VERSION);
    queries.put("repository id and tag version", SqliteMetadataStore.REPO_ID_AND_TAG_VERSION);
    queries.put("all tags", SqliteMetadataStore.ALL_TAGS);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dbFile())) {
      for (var q : queries.entrySet()) {
        List<String> plan = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + q.getValue())) {
          while (rs.next()) plan.add(rs.getString("detail"));
        }
        assertThat(plan).as(q.getKey() + ": " + plan).isNotEmpty()
            .noneMatch(step -> step.startsWith("SCAN") || step.contains("TEMP B-TREE"));
      }
    }
  }
}
