package dev.berth.server.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MetadataStore} must do. An implementation's test extends this and supplies
 * a fresh, empty store per test.
 */
public abstract class MetadataStoreContract {
  protected static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  protected static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  protected static final RepositoryName REPO = new RepositoryName("hoge/fuga/app");
  protected static final RepositoryName OTHER = new RepositoryName("hoge/other");
  protected static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

  protected MetadataStore store;

  /** A new, empty store. */
  protected abstract MetadataStore createStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) store.close();
  }

  protected static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(UTF_8));
  }

  /** An image manifest referencing {@code blobs}, created by the store. */
  protected static ManifestRecord image(String seed, Digest... blobs) {
    return new ManifestRecord(digest("manifest:" + seed), OCI_MANIFEST, 100 + seed.length(), null, null,
        List.of(blobs), List.of(), Map.of(), null);
  }

  /** Records the blobs, then pushes an image manifest referencing them. */
  protected ManifestRecord push(RepositoryName repo, String seed, String tag, Digest... blobs) {
    for (Digest b : blobs) store.putBlob(b, 10);
    ManifestRecord m = image(seed, blobs);
    store.putManifest(repo, m, tag);
    return m;
  }

  protected static ManifestRecord referrer(String seed, Digest subject, String artifactType, Map<String, String> ann) {
    return new ManifestRecord(digest("referrer:" + seed), OCI_MANIFEST, 300, artifactType, subject, List.of(),
        List.of(), ann, T0);
  }

  // ---- blobs ----
  @Test
  void recordedBlobHasItsSize() {
    Digest d = digest("a");
    assertThat(store.blobSize(d)).isEmpty();
    store.putBlob(d, 1234);
    assertThat(store.blobSize(d)).contains(1234L);
  }

  @Test
  void aPushedBlobIsRecordedLinkedAndItsSessionGoneInOneStep() {
    Digest d = digest("pushed");
    store.createUpload(new UploadRecord("abc123", REPO, 0, T0, T0));
    store.blobPushed(REPO, d, 42, "abc123");
    assertThat(store.blobSize(d)).contains(42L);
    assertThat(store.linkedBlobSize(REPO, d)).contains(42L);
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.upload("abc123")).isEmpty();
    store.blobPushed(OTHER, d, 42, null); // the same content pushed elsewhere, in one request
    assertThat(store.isLinked(OTHER, d)).isTrue();
  }

  @Test
  void putBlobIsIdempotent() {
    Digest d = digest("a");
    store.putBlob(d, 7);
    store.putBlob(d, 7);
    assertThat(store.blobSize(d)).contains(7L);
  }

  @Test
  void recordingABlobLinksItNowhere() {
    Digest d = digest("a");
    store.putBlob(d, 7);
    assertThat(store.isLinked(REPO, d)).isFalse();
    assertThat(store.linkedBlobSize(REPO, d)).isEmpty();
    assertThat(store.repositoryExists(REPO)).isFalse();
  }

  @Test
  void linkingCreatesTheRepositoryAndMakesTheBlobReadableThereOnly() {
    Digest d = digest("a");
    store.putBlob(d, 42);
    store.linkBlob(REPO, d);
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.isLinked(REPO, d)).isTrue();
    assertThat(store.linkedBlobSize(REPO, d)).contains(42L);
    // knowing a digest grants nothing in another repository
    assertThat(store.isLinked(OTHER, d)).isFalse();
    assertThat(store.linkedBlobSize(OTHER, d)).isEmpty();
  }

  @Test
  void linkIsIdempotent() {
    Digest d = digest("a");
    store.putBlob(d, 42);
    store.linkBlob(REPO, d);
    store.linkBlob(REPO, d);
    assertThat(store.isLinked(REPO, d)).isTrue();
    assertThat(store.unlinkBlob(REPO, d)).isTrue();
    assertThat(store.isLinked(REPO, d)).isFalse();
  }

  @Test
  void linkingAnUnrecordedBlobIsRefusedAndChangesNothing() {
    Digest d = digest("never");
    assertThatThrownBy(() -> store.linkBlob(REPO, d))
        .isInstanceOf(UnknownBlobException.class)
        .satisfies(e -> assertThat(((UnknownBlobException) e).digests()).containsExactly(d));
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.isLinked(REPO, d)).isFalse();
  }

  @Test
  void unlinkReportsWhetherALinkExisted() {
    Digest d = digest("a");
    store.putBlob(d, 1);
    assertThat(store.unlinkBlob(REPO, d)).isFalse();
    store.linkBlob(REPO, d);
    store.linkBlob(OTHER, d);
    assertThat(store.unlinkBlob(REPO, d)).isTrue();
    assertThat(store.unlinkBlob(REPO, d)).isFalse();
    assertThat(store.isLinked(OTHER, d)).isTrue();
    assertThat(store.blobSize(d)).contains(1L);
  }

  // ---- manifests ----
  @Test
  void roundTripsEveryField() {
    Digest config = digest("config");
    Digest layer = digest("layer");
    Digest child = digest("child");
    Digest subject = digest("subject");
    store.putBlob(config, 1);
    store.putBlob(layer, 2);
    // blob order is kept, duplicates included (the same layer may appear twice)
    ManifestRecord m = new ManifestRecord(digest("m"), OCI_MANIFEST, 512, "application/vnd.example+json", subject,
        List.of(config, layer, layer), List.of(child), Map.of("b", "2", "a", "1", "org.opencontainers.x", "é ✓"), T0);
    store.putManifest(REPO, m, "v1");
    assertThat(store.manifest(REPO, m.digest())).contains(m);
    assertThat(store.manifestByTag(REPO, "v1")).contains(m);
  }

  @Test
  void emptyListsAndMapsComeBackEmptyNotNull() {
    ManifestRecord m = new ManifestRecord(digest("m"), OCI_INDEX, 5, null, null, null, null, null, T0);
    store.putManifest(REPO, m, null);
    ManifestRecord got = store.manifest(REPO, m.digest()).orElseThrow();
    assertThat(got.blobs()).isEmpty();
    assertThat(got.children()).isEmpty();
    assertThat(got.annotations()).isEmpty();
    assertThat(got.artifactType()).isNull();
    assertThat(got.subject()).isNull();
  }

  @Test
  void storeSetsCreatedWhenAbsent() {
    Instant before = Instant.now().minusMillis(1);
    ManifestRecord m = push(REPO, "m", null);
    Instant created = store.manifest(REPO, m.digest()).orElseThrow().created();
    assertThat(created).isBetween(before, Instant.now().plusMillis(1));
  }

  @Test
  void indexReferencesChildManifestsThatNeedNotExist() {
    ManifestRecord idx = new ManifestRecord(digest("idx"), OCI_INDEX, 900, null, null, List.of(),
        List.of(digest("amd64"), digest("arm64")), Map.of(), T0);
    store.putManifest(REPO, idx, "multi");
    assertThat(store.manifestByTag(REPO, "multi")).contains(idx);
  }

  @Test
  void pushLinksReferencedBlobsAndRecordsTheManifestBytesAsABlob() {
    Digest config = digest("config");
    Digest layer = digest("layer");
    store.putBlob(config, 1);
    store.putBlob(layer, 2);
    // pushed elsewhere, not linked here yet
    store.linkBlob(OTHER, layer);
    assertThat(store.isLinked(REPO, layer)).isFalse();
    ManifestRecord m = image("m", config, layer);
    store.putManifest(REPO, m, "latest");
    assertThat(store.isLinked(REPO, config)).isTrue();
    assertThat(store.isLinked(REPO, layer)).isTrue();
    assertThat(store.blobSize(m.digest())).contains(m.size());
    assertThat(store.repositoryExists(REPO)).isTrue();
  }

  @Test
  void theManifestBytesAreStoredWithItsRecordAndAddedToOneRecordedWithoutThem() {
    Digest layer = digest("layer");
    store.putBlob(layer, 3);
    byte[] bytes = "{\"schemaVersion\":2}".getBytes(UTF_8);
    ManifestRecord m = new ManifestRecord(Digest.sha256(bytes), OCI_MANIFEST, bytes.length, null, null, List.of(layer),
        List.of(), Map.of(), T0);
    store.putManifest(REPO, m, bytes, "latest");
    assertThat(store.manifestContent(m.digest())).hasValueSatisfying(c -> assertThat(c).isEqualTo(bytes));
    assertThat(store.blobSize(m.digest())).contains((long) bytes.length);
    assertThat(store.manifestContent(layer)).as("a layer's bytes are in blob storage").isEmpty();
    assertThat(store.manifestContent(digest("unknown"))).isEmpty();

    // a manifest an earlier version kept in blob storage gets its bytes when it is pushed again
    byte[] old = "{\"schemaVersion\":2,\"old\":1}".getBytes(UTF_8);
    ManifestRecord o = new ManifestRecord(Digest.sha256(old), OCI_MANIFEST, old.length, null, null, List.of(layer),
        List.of(), Map.of(), T0);
    store.putManifest(REPO, o, "old");
    assertThat(store.manifestContent(o.digest())).isEmpty();
    store.putManifest(OTHER, o, old, "again");
    assertThat(store.manifestContent(o.digest())).hasValueSatisfying(c -> assertThat(c).isEqualTo(old));
  }

  @Test
  void manifestBytesOfAnotherLengthThanTheRecordAreRefusedAndStoreNothing() {
    Digest layer = digest("layer");
    store.putBlob(layer, 3);
    ManifestRecord m = new ManifestRecord(digest("m"), OCI_MANIFEST, 10, null, null, List.of(layer), List.of(), Map.of(), T0);
    assertThatThrownBy(() -> store.putManifest(REPO, m, new byte[9], "latest"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 bytes").hasMessageContaining("10");
    assertThat(store.manifest(REPO, m.digest())).isEmpty();
    assertThat(store.blobSize(m.digest())).isEmpty();
  }

  @Test
  void pushWithUnrecordedBlobsIsRefusedAndStoresNothing() {
    Digest known = digest("known");
    Digest missing1 = digest("missing1");
    Digest missing2 = digest("missing2");
    store.putBlob(known, 1);
    ManifestRecord m = image("m", known, missing1, missing2);
    assertThatThrownBy(() -> store.putManifest(REPO, m, "latest"))
        .isInstanceOf(UnknownBlobException.class)
        .satisfies(e -> assertThat(((UnknownBlobException) e).digests()).containsExactly(missing1, missing2));
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.manifest(REPO, m.digest())).isEmpty();
    assertThat(store.manifestByTag(REPO, "latest")).isEmpty();
    assertThat(store.isLinked(REPO, known)).isFalse();
    assertThat(store.blobSize(m.digest())).isEmpty();
  }

  @Test
  void pushIsIdempotentAndKeepsTheFirstCreated() {
    Digest layer = digest("layer");
    store.putBlob(layer, 1);
    ManifestRecord first = new ManifestRecord(digest("m"), OCI_MANIFEST, 10, null, null, List.of(layer), List.of(),
        Map.of(), T0);
    store.putManifest(REPO, first, "a");
    ManifestRecord again = new ManifestRecord(first.digest(), OCI_MANIFEST, 10, null, null, List.of(layer),
        List.of(), Map.of(), T0.plusSeconds(60));
    store.putManifest(REPO, again, "b");
    store.putManifest(REPO, again, "b");
    assertThat(store.manifest(REPO, first.digest())).contains(first);
    assertThat(store.tagsOf(REPO, first.digest())).containsExactly("a", "b");
    assertThat(store.tags(REPO, null, 100)).containsExactly("a", "b");
  }

  @Test
  void theSameManifestIsIndexedPerRepository() {
    ManifestRecord m = push(REPO, "m", "x", digest("layer"));
    assertThat(store.manifest(OTHER, m.digest())).isEmpty();
    store.putManifest(OTHER, m, "y");
    assertThat(store.manifestByTag(OTHER, "y")).isPresent();
    assertThat(store.manifestByTag(OTHER, "x")).isEmpty();
    assertThat(store.deleteManifest(REPO, m.digest())).contains(List.of("x"));
    assertThat(store.manifest(OTHER, m.digest())).isPresent();
    assertThat(store.manifestByTag(OTHER, "y")).isPresent();
  }

  @Test
  void manifestHeadByTagAndByDigest() {
    ManifestRecord m = push(REPO, "m", "t", digest("layer"));
    MetadataStore.ManifestHead head = new MetadataStore.ManifestHead(m.digest(), OCI_MANIFEST, m.size());
    assertThat(store.manifestHead(REPO, "t", null)).contains(head);
    assertThat(store.manifestHead(REPO, null, m.digest())).contains(head);
    assertThat(store.manifestHead(REPO, "nope", null)).isEmpty();
    assertThat(store.manifestHead(OTHER, "t", null)).isEmpty();
    assertThat(store.manifestHead(OTHER, null, m.digest())).isEmpty();
    assertThatThrownBy(() -> store.manifestHead(REPO, "t", m.digest())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void tagMovesToTheNewManifest() {
    ManifestRecord m1 = push(REPO, "m1", "latest");
    ManifestRecord m2 = push(REPO, "m2", "latest");
    assertThat(store.manifestByTag(REPO, "latest")).map(ManifestRecord::digest).contains(m2.digest());
    assertThat(store.tagsOf(REPO, m1.digest())).isEmpty();
    assertThat(store.tagsOf(REPO, m2.digest())).containsExactly("latest");
    // the old manifest stays, reachable by digest
    assertThat(store.manifest(REPO, m1.digest())).isPresent();
  }

  @Test
  void pushWithoutTagTagsNothing() {
    ManifestRecord m = push(REPO, "m", null);
    assertThat(store.manifest(REPO, m.digest())).isPresent();
    assertThat(store.tags(REPO, null, 100)).isEmpty();
    assertThat(store.tagsOf(REPO, m.digest())).isEmpty();
  }

  @Test
  void unknownManifestsAndTagsAreEmpty() {
    assertThat(store.manifest(REPO, digest("nope"))).isEmpty();
    assertThat(store.manifestByTag(REPO, "nope")).isEmpty();
    push(REPO, "m", "t");
    assertThat(store.manifestByTag(REPO, "T")).isEmpty();
    assertThat(store.manifestByTag(OTHER, "t")).isEmpty();
  }

  @Test
  void deleteManifestRemovesItsTagsAndReturnsThem() {
    Digest layer = digest("layer");
    ManifestRecord m = push(REPO, "m", "b", layer);
    store.putManifest(REPO, m, "a");
    store.putManifest(REPO, m, "c");
    ManifestRecord keep = push(REPO, "keep", "keep");
    assertThat(store.deleteManifest(REPO, m.digest())).contains(List.of("a", "b", "c"));
    assertThat(store.manifest(REPO, m.digest())).isEmpty();
    assertThat(store.manifestByTag(REPO, "a")).isEmpty();
    assertThat(store.tags(REPO, null, 100)).containsExactly("keep");
    assertThat(store.manifestByTag(REPO, "keep")).map(ManifestRecord::digest).contains(keep.digest());
    // links are left for GC to decide
    assertThat(store.isLinked(REPO, layer)).isTrue();
    assertThat(store.deleteManifest(REPO, m.digest())).isEmpty();
  }

  @Test
  void deleteManifestWithoutTagsReturnsEmptyList() {
    ManifestRecord m = push(REPO, "m", null);
    assertThat(store.deleteManifest(REPO, m.digest())).contains(List.of());
  }

  @Test
  void deleteOfUnknownManifestOrRepositoryIsEmpty() {
    assertThat(store.deleteManifest(REPO, digest("nope"))).isEmpty();
    push(REPO, "m", "t");
    assertThat(store.deleteManifest(REPO, digest("nope"))).isEmpty();
  }

  @Test
  void aDeletedManifestCanBePushedAgain() {
    Digest layer = digest("layer");
    ManifestRecord m = push(REPO, "m", "t", layer);
    store.deleteManifest(REPO, m.digest());
    store.putManifest(REPO, m, "t");
    assertThat(store.manifestByTag(REPO, "t")).map(ManifestRecord::blobs).contains(List.of(layer));
  }

  @Test
  void deleteTagLeavesTheManifest() {
    ManifestRecord m = push(REPO, "m", "t");
    assertThat(store.deleteTag(REPO, "t")).isTrue();
    assertThat(store.deleteTag(REPO, "t")).isFalse();
    assertThat(store.deleteTag(OTHER, "t")).isFalse();
    assertThat(store.manifestByTag(REPO, "t")).isEmpty();
    assertThat(store.manifest(REPO, m.digest())).isPresent();
  }

  // ---- tags ----
  @Test
  void tagsListInLexicalOrderAndPage() {
    List<String> names = new ArrayList<>(List.of("v1", "v10", "v2", "latest", "Latest", "1.0", "_x", "a-b", "a.b",
        "a_b", "z"));
    ManifestRecord m = push(REPO, "m", null);
    for (String n : names) store.putManifest(REPO, m, n);
    Collections.sort(names);
    assertThat(store.tags(REPO, null, Integer.MAX_VALUE)).containsExactlyElementsOf(names);
    assertThat(store.tags(REPO, null, 3)).containsExactlyElementsOf(names.subList(0, 3));
    assertThat(store.tags(REPO, names.get(2), 3)).containsExactlyElementsOf(names.subList(3, 6));
    assertThat(store.tags(REPO, "v10", 100)).containsExactly("v2", "z");
    // last need not be a tag
    assertThat(store.tags(REPO, "m", 100)).containsExactly("v1", "v10", "v2", "z");
    assertThat(store.tags(REPO, "z", 100)).isEmpty();
    assertThat(store.tags(REPO, null, 0)).isEmpty();
  }

  @Test
  void pagingVisitsEveryTagOnce() {
    ManifestRecord m = push(REPO, "m", null);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      all.add("t" + i);
      store.putManifest(REPO, m, "t" + i);
    }
    Collections.sort(all);
    List<String> seen = new ArrayList<>();
    String last = null;
    while (true) {
      List<String> page = store.tags(REPO, last, 10);
      if (page.isEmpty()) break;
      seen.addAll(page);
      last = page.getLast();
    }
    assertThat(seen).containsExactlyElementsOf(all);
  }

  @Test
  void tagsOfAnUnknownRepositoryAreEmpty() {
    push(OTHER, "m", "t");
    assertThat(store.tags(REPO, null, 100)).isEmpty();
  }

  @Test
  void tagVersionChangesWithEveryTagChangeAndOnlyThen() {
    assertThat(store.tagVersion(REPO)).isEmpty();
    assertThat(store.tagSnapshot(REPO)).isEmpty();
    store.putBlob(digest("layer"), 10);
    store.linkBlob(REPO, digest("layer")); // the repository exists, with no tag ever
    long v0 = store.tagVersion(REPO).orElseThrow();
    assertThat(store.tagSnapshot(REPO)).contains(new MetadataStore.TagSnapshot(v0, List.of()));
    List<Long> seen = new ArrayList<>(List.of(v0));
    ManifestRecord m1 = push(REPO, "m1", "a");
    seen.add(store.tagVersion(REPO).orElseThrow()); // created
    push(REPO, "m2", null);
    assertThat(store.tagVersion(REPO)).contains(seen.getLast()); // untagged push: no change
    store.putManifest(REPO, m1, "a");
    assertThat(store.tagVersion(REPO)).contains(seen.getLast()); // same tag, same manifest: no change
    push(REPO, "m2", "a");
    seen.add(store.tagVersion(REPO).orElseThrow()); // moved
    push(OTHER, "o", "x");
    assertThat(store.tagVersion(REPO)).contains(seen.getLast()); // another repository's tags
    store.deleteTag(REPO, "a");
    seen.add(store.tagVersion(REPO).orElseThrow()); // deleted
    assertThat(store.deleteTag(REPO, "a")).isFalse();
    assertThat(store.tagVersion(REPO)).contains(seen.getLast());
    store.putManifest(REPO, m1, "b");
    seen.add(store.tagVersion(REPO).orElseThrow());
    store.deleteManifest(REPO, m1.digest());
    seen.add(store.tagVersion(REPO).orElseThrow()); // a manifest deleted with its tag
    assertThat(seen).doesNotHaveDuplicates();
    assertThat(store.tagSnapshot(REPO)).map(MetadataStore.TagSnapshot::tags).contains(List.of());
  }

  @Test
  void aRepositoryDeletedAndPushedAgainNeverRepeatsATagVersion() {
    List<Long> seen = new ArrayList<>();
    for (int life = 0; life < 3; life++) {
      push(REPO, "m" + life, "t" + life);
      MetadataStore.TagSnapshot snap = store.tagSnapshot(REPO).orElseThrow();
      assertThat(snap.tags()).containsExactly("t" + life);
      seen.add(snap.version());
      assertThat(store.deleteRepository(REPO)).isTrue();
      assertThat(store.tagVersion(REPO)).isEmpty();
    }
    assertThat(seen).doesNotHaveDuplicates();
  }

  @Test
  void tagSnapshotHasEveryTagInLexicalOrderWithItsVersion() {
    ManifestRecord m = push(REPO, "m", null);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      names.add("v" + i);
      store.putManifest(REPO, m, "v" + i);
    }
    Collections.sort(names);
    MetadataStore.TagSnapshot snap = store.tagSnapshot(REPO).orElseThrow();
    assertThat(snap.tags()).containsExactlyElementsOf(names);
    assertThat(snap.version()).isEqualTo(store.tagVersion(REPO).orElseThrow());
  }

  @Test
  void tagsOfAManifest() {
    ManifestRecord m1 = push(REPO, "m1", "b");
    store.putManifest(REPO, m1, "a");
    ManifestRecord m2 = push(REPO, "m2", "c");
    push(OTHER, "m1", "z");
    assertThat(store.tagsOf(REPO, m1.digest())).containsExactly("a", "b");
    assertThat(store.tagsOf(REPO, m2.digest())).containsExactly("c");
    assertThat(store.tagsOf(REPO, digest("nope"))).isEmpty();
  }

  // ---- referrers ----
  @Test
  void bySubjectWithOptionalArtifactTypeInDigestOrder() {
    ManifestRecord subject = push(REPO, "subject", "v1");
    ManifestRecord sbom = referrer("sbom", subject.digest(), "application/spdx+json", Map.of("k", "v"));
    ManifestRecord sig1 = referrer("sig1", subject.digest(), "application/vnd.dev.sigstore+json", Map.of());
    ManifestRecord sig2 = referrer("sig2", subject.digest(), "application/vnd.dev.sigstore+json", Map.of());
    ManifestRecord unrelated = referrer("x", digest("other-subject"), "application/spdx+json", Map.of());
    for (ManifestRecord r : List.of(sbom, sig1, sig2, unrelated)) store.putManifest(REPO, r, null);

    List<ManifestRecord> all = new ArrayList<>(List.of(sbom, sig1, sig2));
    all.sort((a, b) -> a.digest().compareTo(b.digest()));
    assertThat(store.referrers(REPO, subject.digest(), null)).containsExactlyElementsOf(all);
    assertThat(store.referrers(REPO, subject.digest(), "application/spdx+json")).containsExactly(sbom);
    assertThat(store.referrers(REPO, subject.digest(), "application/vnd.dev.sigstore+json"))
        .containsExactlyElementsOf(all.stream().filter(r -> r != sbom).toList());
    assertThat(store.referrers(REPO, subject.digest(), "text/plain")).isEmpty();
    assertThat(store.referrers(OTHER, subject.digest(), null)).isEmpty();
  }

  @Test
  void referrersMayArriveBeforeTheirSubject() {
    Digest subject = digest("not-yet");
    ManifestRecord r = referrer("r", subject, "application/example", Map.of("created", "now"));
    store.putManifest(REPO, r, null);
    assertThat(store.referrers(REPO, subject, null)).containsExactly(r);
  }

  @Test
  void aDeletedReferrerIsGone() {
    Digest subject = digest("s");
    ManifestRecord r = referrer("r", subject, "application/example", Map.of());
    store.putManifest(REPO, r, null);
    store.deleteManifest(REPO, r.digest());
    assertThat(store.referrers(REPO, subject, null)).isEmpty();
  }

  // ---- repositories ----
  @Test
  void repositoriesExistOnceSomethingWasPushed() {
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(null, 100)).isEmpty();
    push(REPO, "m", "t");
    assertThat(store.repositoryExists(REPO)).isTrue();
    assertThat(store.repositoryExists(OTHER)).isFalse();
  }

  @Test
  void repositoriesListInLexicalOrderAndPage() {
    List<String> names = new ArrayList<>(List.of("hoge/fuga", "hoge-fuga", "hoge.fuga", "hoge/fuga/app", "a", "z9",
        "hoge", "hoge_fuga", "0"));
    Digest d = digest("blob");
    store.putBlob(d, 1);
    for (String n : names) store.linkBlob(new RepositoryName(n), d);
    Collections.sort(names);
    assertThat(store.repositories(null, Integer.MAX_VALUE)).containsExactlyElementsOf(names);
    assertThat(store.repositories(null, 2)).containsExactlyElementsOf(names.subList(0, 2));
    assertThat(store.repositories(names.get(1), 4)).containsExactlyElementsOf(names.subList(2, 6));
    assertThat(store.repositories("hoge/fuga", 100)).containsExactlyElementsOf(
        names.subList(names.indexOf("hoge/fuga") + 1, names.size()));
    assertThat(store.repositories("zz", 100)).isEmpty();
    assertThat(store.repositories(null, 0)).isEmpty();
  }

  @Test
  void deleteRepositoryRemovesItsMetadataOnly() {
    Digest layer = digest("layer");
    ManifestRecord m = push(REPO, "m", "t", layer);
    store.putManifest(OTHER, m, "t");
    ManifestRecord r = referrer("r", m.digest(), "a/b", Map.of());
    store.putManifest(REPO, r, null);

    assertThat(store.deleteRepository(REPO)).isTrue();
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(null, 100)).containsExactly(OTHER.value());
    assertThat(store.manifest(REPO, m.digest())).isEmpty();
    assertThat(store.tags(REPO, null, 100)).isEmpty();
    assertThat(store.referrers(REPO, m.digest(), null)).isEmpty();
    assertThat(store.isLinked(REPO, layer)).isFalse();
    // blob records and other repositories are untouched
    assertThat(store.blobSize(layer)).contains(10L);
    assertThat(store.manifestByTag(OTHER, "t")).isPresent();
    assertThat(store.isLinked(OTHER, layer)).isTrue();
    assertThat(store.deleteRepository(REPO)).isFalse();
    // and the name can be used again
    store.putManifest(REPO, m, "again");
    assertThat(store.tags(REPO, null, 100)).containsExactly("again");
  }

  // ---- uploads ----
  @Test
  void uploadRoundTrips() {
    UploadRecord u = new UploadRecord("u1", REPO, 0, T0, T0);
    store.createUpload(u);
    assertThat(store.upload("u1")).contains(u);
    assertThat(store.upload("u2")).isEmpty();
  }

  @Test
  void startingAnUploadDoesNotCreateTheRepository() {
    store.createUpload(new UploadRecord("u1", REPO, 0, T0, T0));
    assertThat(store.repositoryExists(REPO)).isFalse();
    assertThat(store.repositories(null, 10)).isEmpty();
  }

  @Test
  void uploadTimestampsDefaultToNow() {
    Instant before = Instant.now().minusMillis(1);
    store.createUpload(new UploadRecord("u1", REPO, 0, null, null));
    UploadRecord got = store.upload("u1").orElseThrow();
    assertThat(got.started()).isBetween(before, Instant.now().plusMillis(1));
    assertThat(got.updated()).isEqualTo(got.started());
  }

  @Test
  void duplicateUploadIdIsRefused() {
    store.createUpload(new UploadRecord("u1", REPO, 0, T0, T0));
    assertThatThrownBy(() -> store.createUpload(new UploadRecord("u1", OTHER, 0, T0, T0)))
        .isInstanceOf(MetadataException.class);
    assertThat(store.upload("u1")).map(UploadRecord::repository).contains(REPO);
  }

  @Test
  void advanceUploadIsCompareAndSet() {
    store.createUpload(new UploadRecord("u1", REPO, 0, T0, T0));
    Instant t1 = T0.plusSeconds(1);
    assertThat(store.advanceUpload("u1", 0, 100, t1)).isTrue();
    assertThat(store.upload("u1")).contains(new UploadRecord("u1", REPO, 100, T0, t1));
    // a second appender that still believes the size is 0 loses
    assertThat(store.advanceUpload("u1", 0, 50, T0.plusSeconds(2))).isFalse();
    assertThat(store.upload("u1")).contains(new UploadRecord("u1", REPO, 100, T0, t1));
    assertThat(store.advanceUpload("u1", 100, 250, T0.plusSeconds(3))).isTrue();
    assertThat(store.upload("u1")).map(UploadRecord::size).contains(250L);
    assertThat(store.advanceUpload("nope", 0, 1, T0)).isFalse();
  }

  @Test
  void deletedUploadIsGone() {
    store.createUpload(new UploadRecord("u1", REPO, 0, T0, T0));
    store.deleteUpload("u1");
    assertThat(store.upload("u1")).isEmpty();
    store.deleteUpload("u1"); // no-op
    assertThat(store.advanceUpload("u1", 0, 1, T0)).isFalse();
  }

  @Test
  void staleUploadsOldestFirstBeforeTheCutoff() {
    store.createUpload(new UploadRecord("new", REPO, 0, T0, T0.plusSeconds(100)));
    store.createUpload(new UploadRecord("old2", REPO, 0, T0, T0.plusSeconds(20)));
    store.createUpload(new UploadRecord("old1", OTHER, 0, T0, T0.plusSeconds(10)));
    store.createUpload(new UploadRecord("edge", REPO, 0, T0, T0.plusSeconds(50)));
    Instant cutoff = T0.plusSeconds(50);
    assertThat(store.staleUploads(cutoff, 10)).extracting(UploadRecord::id).containsExactly("old1", "old2");
    assertThat(store.staleUploads(cutoff, 1)).extracting(UploadRecord::id).containsExactly("old1");
    assertThat(store.staleUploads(T0, 10)).isEmpty();
    // progress makes a session fresh again
    store.advanceUpload("old1", 0, 5, T0.plusSeconds(200));
    assertThat(store.staleUploads(cutoff, 10)).extracting(UploadRecord::id).containsExactly("old2");
  }
}
