package dev.berth.server.registry;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.Tag;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.oci.manifest.ManifestParser;
import dev.berth.oci.manifest.ParsedManifest;
import dev.berth.server.meta.ManifestRecord;
import dev.berth.server.meta.MetadataStore.ManifestHead;
import dev.berth.server.meta.MetadataStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Manifests: validated on push (JSON, media type, every referenced blob linked in the
 * repository, every index child present), stored byte-exact as a blob whose bytes the metadata
 * store keeps with its record (in the same transaction as the index entry, references and tag;
 * manifests stored as files by earlier versions are read from blob storage), served from a small
 * cache.
 */
public final class ManifestService {
  private final MetadataStore meta;
  private final BlobStore blobs;
  private final ManifestCache cache;

  public ManifestService(MetadataStore meta, BlobStore blobs, long cacheBytes) {
    this.meta = meta;
    this.blobs = blobs;
    this.cache = new ManifestCache(cacheBytes);
  }

  /** The result of a push. */
  public record Pushed(Digest digest, Digest subject) {}

  /** A manifest to serve. */
  public record Found(ManifestHead record, byte[] content) {}

  public Pushed put(RepositoryName repo, String reference, String contentType, byte[] body) throws IOException {
    Digest digest;
    String tag = null;
    if (Digest.looksLikeDigest(reference)) {
      Digest declared = Digest.parse(reference);
      digest = Digest.of(declared.algorithm(), body);
      if (!digest.equals(declared)) {
        throw new RegistryException(ErrorCode.DIGEST_INVALID,
            "the manifest was pushed by digest " + declared + " but its " + body.length + " bytes have digest " + digest
                + "; push by tag, or by the digest of the exact bytes sent",
            ErrorDetail.reason("manifest_digest_mismatch").with("declared", declared.toString()).with("computed", digest.toString()));
      }
    } else {
      tag = Tag.check(reference);
      digest = Digest.sha256(body);
    }
    ParsedManifest m = ManifestParser.parse(body, contentType);
    List<Digest> blobDigests = new ArrayList<>();
    for (Descriptor d : m.blobs()) {
      Optional<Long> size = meta.linkedBlobSize(repo, d.digest());
      if (size.isEmpty()) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
            "manifest references blob " + d.digest() + " (" + d.mediaType() + ") which is not in repository " + repo
                + "; push the blob to " + repo + " (or mount it from another repository) before the manifest",
            ErrorDetail.reason("manifest_blob_unknown").with("digest", d.digest().toString()).with("repository", repo.value()),
            400, null);
      }
      if (size.get() != d.size()) {
        throw new RegistryException(ErrorCode.MANIFEST_INVALID,
            "manifest says blob " + d.digest() + " has " + d.size() + " bytes, but the registry holds it with " + size.get() + " bytes",
            ErrorDetail.reason("descriptor_size_mismatch").with("digest", d.digest().toString())
                .with("declaredSize", d.size()).with("storedSize", size.get()));
      }
      blobDigests.add(d.digest());
    }
    List<Digest> children = new ArrayList<>();
    for (Descriptor d : m.manifests()) {
      if (meta.manifest(repo, d.digest()).isEmpty()) {
        throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN,
            "index references manifest " + d.digest() + (d.platform() != null ? " (" + d.platform() + ")" : "")
                + " which is not in repository " + repo + "; push each child manifest (by digest) before the index",
            ErrorDetail.reason("index_child_unknown").with("digest", d.digest().toString()).with("repository", repo.value()),
            400, null);
      }
      children.add(d.digest());
    }
    // The bytes go into the same transaction as the index entry and the tag (docs/storage-layout.md).
    Digest subject = m.subject() == null ? null : m.subject().digest();
    meta.putManifest(repo, new ManifestRecord(digest, m.mediaType(), body.length, m.effectiveArtifactType(), subject,
        List.copyOf(blobDigests), List.copyOf(children), m.annotations(), null), body, tag);
    cache.put(digest, body);
    return new Pushed(digest, subject);
  }

  public Found get(RepositoryName repo, String reference) throws IOException {
    Optional<ManifestHead> rec;
    if (Digest.looksLikeDigest(reference)) {
      rec = meta.manifestHead(repo, null, Digest.parse(reference));
    } else {
      rec = meta.manifestHead(repo, Tag.check(reference), null);
    }
    ManifestHead r = rec.orElseThrow(() -> unknown(repo, reference));
    byte[] content = cache.get(r.digest());
    if (content == null) {
      // in the metadata store since schema V4; in blob storage when pushed by an earlier version
      Optional<byte[]> stored = meta.manifestContent(r.digest());
      content = stored.isPresent() ? stored.get() : blobs.readAll(r.digest());
      cache.put(r.digest(), content);
    }
    return new Found(r, content);
  }

  /** Deletes by digest (the manifest and its tags) or by tag (the tag only). */
  public void delete(RepositoryName repo, String reference) {
    if (Digest.looksLikeDigest(reference)) {
      Digest d = Digest.parse(reference);
      if (meta.deleteManifest(repo, d).isEmpty()) {
        throw unknown(repo, reference);
      }
    } else {
      if (!meta.deleteTag(repo, Tag.check(reference))) {
        throw unknown(repo, reference);
      }
    }
  }

  static RegistryException unknown(RepositoryName repo, String reference) {
    boolean byDigest = Digest.looksLikeDigest(reference);
    return new RegistryException(ErrorCode.MANIFEST_UNKNOWN,
        "manifest " + (byDigest ? reference : "tagged \"" + reference + "\"") + " is not in repository " + repo,
        ErrorDetail.reason(byDigest ? "manifest_unknown" : "tag_unknown").with("repository", repo.value()).with("reference", reference));
  }
}
