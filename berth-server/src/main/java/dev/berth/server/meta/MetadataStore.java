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
 *
 * <p>Conventions: timestamps are UTC instants kept to the millisecond. Records returned never
 * hold null lists or maps (empty instead). Store failures are unchecked {@link MetadataException}s.
 * Lexical order is byte order of the names (they are ASCII), i.e. {@link String#compareTo}.
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
   *
   * @throws UnknownBlobException when it was not (checked in the same transaction)
   */
  void linkBlob(RepositoryName repo, Digest digest);

  /**
   * A pushed blob, in one transaction: recorded (as {@link #putBlob}), linked into {@code repo}
   * (as {@link #linkBlob}), and its upload session, when {@code uploadId} is not null, removed.
   */
  void blobPushed(RepositoryName repo, Digest digest, long size, String uploadId);

  /** Whether the blob is linked in the repository (pushed, mounted or referenced there). */
  boolean isLinked(RepositoryName repo, Digest digest);

  /** Size of a blob if it is linked in the repository. */
  Optional<Long> linkedBlobSize(RepositoryName repo, Digest digest);

  /** Removes a blob link; returns whether one existed. */
  boolean unlinkBlob(RepositoryName repo, Digest digest);

  // ---- manifests ----

  /**
   * Stores a manifest's bytes, index entry, references, and optionally a tag, in one
   * transaction. Referenced blobs become linked in the repository. Idempotent for the same
   * digest; the tag moves atomically.
   *
   * <p>The manifest's own digest is recorded as a blob of {@code manifest.size()} bytes (as if by
   * {@link #putBlob}) holding {@code content}, the exact bytes pushed ({@link #manifestContent});
   * a blob recorded earlier without content gets it. {@code content} null means the caller keeps
   * the bytes in blob storage itself (manifests stored by earlier versions, and tests of the
   * index alone). A repeated push keeps the first {@code created}. {@code tag} may be null.
   *
   * @throws UnknownBlobException when referenced blobs were never recorded with {@link #putBlob};
   *     nothing is stored then. Child manifests and the subject need not exist.
   * @throws IllegalArgumentException when {@code content} is not {@code manifest.size()} bytes
   */
  void putManifest(RepositoryName repo, ManifestRecord manifest, byte[] content, String tag);

  /** {@link #putManifest(RepositoryName, ManifestRecord, byte[], String)} with the bytes in blob storage. */
  default void putManifest(RepositoryName repo, ManifestRecord manifest, String tag) {
    putManifest(repo, manifest, null, tag);
  }

  /**
   * The bytes of a manifest stored by {@link #putManifest} with its content, by digest; empty
   * when the store has no bytes for it (not a manifest, or one kept in blob storage).
   */
  Optional<byte[]> manifestContent(Digest digest);

  /** The manifest with this digest in this repository. */
  Optional<ManifestRecord> manifest(RepositoryName repo, Digest digest);

  /** The manifest a tag points to. */
  Optional<ManifestRecord> manifestByTag(RepositoryName repo, String tag);

  /**
   * What serving a manifest needs (digest, media type, size) by tag or, when {@code tag} is null,
   * by {@code digest}: one row, no references or annotations. The hot lookup of every pull.
   */
  Optional<ManifestHead> manifestHead(RepositoryName repo, String tag, Digest digest);

  /** The part of a {@link ManifestRecord} that serving it needs. */
  record ManifestHead(Digest digest, String mediaType, long size) {}

  /**
   * Deletes a manifest from a repository, with every tag that points to it. Returns the tags
   * removed; empty optional when the manifest was not there. Blob links stay (GC decides).
   */
  Optional<List<String>> deleteManifest(RepositoryName repo, Digest digest);

  /** Removes one tag; returns whether it existed. */
  boolean deleteTag(RepositoryName repo, String tag);

  /**
   * Tags of a repository in lexical order, after {@code last} (exclusive, null = from start), at
   * most {@code n} ({@code n <= 0} gives an empty list; pass {@link Integer#MAX_VALUE} for all).
   * Empty for an unknown repository.
   */
  List<String> tags(RepositoryName repo, String last, int n);

  /**
   * The version of a repository's tags, or empty when the repository does not exist. It changes
   * in the same transaction as any change to the repository's tags, and a value is never reused
   * (not even by a repository deleted and created again), so equal versions mean equal tag lists.
   * One primary-key read: what a cached tag list is checked against.
   */
  Optional<Long> tagVersion(RepositoryName repo);

  /** Every tag of a repository in lexical order, with its version, read in one snapshot; empty when there is no such repository. */
  Optional<TagSnapshot> tagSnapshot(RepositoryName repo);

  /** A repository's tags, in lexical order, as of {@code version} (see {@link #tagVersion}). */
  record TagSnapshot(long version, List<String> tags) {
    public TagSnapshot {
      tags = List.copyOf(tags);
    }
  }

  /** Tags pointing at a manifest, in lexical order. */
  List<String> tagsOf(RepositoryName repo, Digest digest);

  /**
   * Manifests in the repository whose {@code subject} is {@code subject}, optionally filtered by
   * artifact type ({@code null} = all), in digest order.
   */
  List<ManifestRecord> referrers(RepositoryName repo, Digest subject, String artifactType);

  // ---- repositories ----

  /** Whether the repository exists (has had anything pushed to it). */
  boolean repositoryExists(RepositoryName repo);

  /**
   * Repository names in lexical order after {@code last} (exclusive, null = from start), at most
   * {@code n} ({@code n <= 0} gives an empty list).
   */
  List<String> repositories(String last, int n);

  /**
   * Deletes a repository's metadata: its tags, manifest index and blob links, and the repository
   * itself (blob records stay for GC; upload sessions into it are left to expire). Returns
   * whether the repository existed.
   *
   * <p>(Default throws, so that other implementations written against the first version of this
   * interface, such as test fakes, keep compiling; the SQLite store implements it.)
   */
  default boolean deleteRepository(RepositoryName repo) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete repositories");
  }

  // ---- upload sessions ----

  /**
   * Records a new session ({@code started}/{@code updated} default to now when null). Does not
   * create the repository.
   */
  void createUpload(UploadRecord upload);

  Optional<UploadRecord> upload(String id);

  /**
   * Records new progress of a session if its stored size still equals {@code expectedSize}
   * (compare-and-set, so that two replicas cannot both append). Returns whether it did.
   */
  boolean advanceUpload(String id, long expectedSize, long newSize, Instant updated);

  void deleteUpload(String id);

  /** Sessions not updated since {@code before} (exclusive), oldest first, at most {@code max}, for the expiry sweep. */
  List<UploadRecord> staleUploads(Instant before, int max);

  @Override
  void close();
}
