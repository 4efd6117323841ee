package dev.berth.server.meta;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the registry knows besides blob bytes: repositories, blob links, the manifest index
 * with its references, tags, referrers and upload sessions. Each method is one transaction. Tag
 * moves are atomic; catalog and tag lists come from indexes, never from walking storage.
 *
 * <p>Implementations: SQLite (embedded default, WAL) and later PostgreSQL; both pass {@code
 * MetadataStoreContract}.
 */
public interface MetadataStore extends AutoCloseable {

  // ---- blobs: content known to exist in storage, and links into repositories ----

  /** Records that a complete blob exists in storage (idempotent). */
  void putBlob(Digest digest, long size);

  /** Size of a blob that exists in storage, if recorded. */
  Optional<Long> blobSize(Digest digest);

  /**
   * Links a blob into a repository (creating the repository if needed). Idempotent. The blob must
   * have been recorded with {@link #putBlob}.
   */
  void linkBlob(RepositoryName repo, Digest digest);

  /** Whether the blob is linked in the repository (pushed, mounted or referenced there). */
  boolean isLinked(RepositoryName repo, Digest digest);

  /** Size of a blob if it is linked in the repository. */
  Optional<Long> linkedBlobSize(RepositoryName repo, Digest digest);

  /** Removes a blob link; returns whether one existed. */
  boolean unlinkBlob(RepositoryName repo, Digest digest);

  // ---- manifests ----

  /**
   * Stores a manifest's index entry, its references, and optionally a tag, in one transaction.
   * The manifest bytes are already in storage as a blob. Referenced blobs become linked in the
   * repository. Idempotent for the same digest; the tag moves atomically.
   */
  void putManifest(RepositoryName repo, ManifestRecord manifest, String tag);

  /** The manifest with this digest in this repository. */
  Optional<ManifestRecord> manifest(RepositoryName repo, Digest digest);

  /** The manifest a tag points to. */
  Optional<ManifestRecord> manifestByTag(RepositoryName repo, String tag);

  /**
   * Deletes a manifest from a repository, with every tag that points to it. Returns the tags
   * removed; empty optional when the manifest was not there.
   */
  Optional<List<String>> deleteManifest(RepositoryName repo, Digest digest);

  /** Removes one tag; returns whether it existed. */
  boolean deleteTag(RepositoryName repo, String tag);

  /** Tags of a repository in lexical order, after {@code last} (exclusive, null = from start), at most {@code n}. */
  List<String> tags(RepositoryName repo, String last, int n);

  /** Tags pointing at a manifest. */
  List<String> tagsOf(RepositoryName repo, Digest digest);

  /** Manifests in the repository whose {@code subject} is {@code subject}, optionally filtered by artifact type. */
  List<ManifestRecord> referrers(RepositoryName repo, Digest subject, String artifactType);

  // ---- repositories ----

  /** Whether the repository exists (has had anything pushed to it). */
  boolean repositoryExists(RepositoryName repo);

  /** Repository names in lexical order after {@code last} (exclusive), at most {@code n}. */
  List<String> repositories(String last, int n);

  // ---- upload sessions ----

  void createUpload(UploadRecord upload);

  Optional<UploadRecord> upload(String id);

  /**
   * Records new progress of a session if its stored size still equals {@code expectedSize}
   * (compare-and-set, so that two replicas cannot both append). Returns whether it did.
   */
  boolean advanceUpload(String id, long expectedSize, long newSize, Instant updated);

  void deleteUpload(String id);

  /** Sessions not updated since {@code before}, for the expiry sweep. */
  List<UploadRecord> staleUploads(Instant before, int max);

  @Override
  void close();
}
