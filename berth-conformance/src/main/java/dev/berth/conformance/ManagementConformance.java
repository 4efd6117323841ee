package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Content management: cancelling uploads, deleting blobs, manifests and tags. */
public interface ManagementConformance extends SuiteSupport {

  /** DELETE on an upload session cancels it; its status is then 404 BLOB_UPLOAD_UNKNOWN. */
  @ManagementTest
  default void cancelledUploadIs404BlobUploadUnknown() {
    String repo = repo("upload-cancel");
    Response post = startUpload(repo);
    Response patched = wire().call("PATCH", location(post)).contentType("application/octet-stream")
        .header("Content-Range", "0-99").body(Blob.randomBytes(100)).send();
    Check.status(patched, 202);
    String loc = location(patched);
    Response cancel = wire().delete(loc);
    Check.status(cancel, 204, 200, 202);
    Check.error(wire().get(loc), 404, "BLOB_UPLOAD_UNKNOWN");
    Response put = wire().call("PUT", Wire.withQuery(loc, "digest", Blob.random(1).digest())).send();
    Check.error(put, 404, "BLOB_UPLOAD_UNKNOWN");
  }

  /** end-10: DELETE of a blob answers 202; the blob is then 404 BLOB_UNKNOWN, and a second DELETE is 404. */
  @ManagementTest
  default void deletedBlobIs404() {
    String repo = repo("blob-delete");
    Blob keep = pushBlob(repo, Blob.random(20));
    Blob b = pushBlob(repo, Blob.random(200));
    Response del = wire().delete("/v2/" + repo + "/blobs/" + b.digest());
    observed(Capability.DELETE, del.status() == 202, "DELETE of a blob answered " + del.status() + "\n" + del);
    Check.error(getBlob(repo, b.digest()), 404, "BLOB_UNKNOWN");
    Check.headStatus(headBlob(repo, b.digest()), 404);
    Check.error(wire().delete("/v2/" + repo + "/blobs/" + b.digest()), 404, "BLOB_UNKNOWN");
    Check.status(headBlob(repo, keep.digest()), 200);
  }

  /**
   * end-9 by digest: 202; the manifest is then 404 MANIFEST_UNKNOWN by digest and through every tag
   * that pointed at it.
   */
  @ManagementTest
  default void deletedManifestIs404ManifestUnknownByDigestAndTag() {
    String repo = repo("manifest-delete");
    Manifest keep = pushImage(repo, "keep");
    Manifest m = pushImage(repo, "gone");
    pushManifest(repo, "gone-too", m);
    Response del = wire().delete("/v2/" + repo + "/manifests/" + m.digest());
    observed(Capability.DELETE, del.status() == 202, "DELETE of a manifest by digest answered " + del.status() + "\n" + del);
    Check.error(getManifest(repo, m.digest()), 404, "MANIFEST_UNKNOWN");
    Check.headStatus(headManifest(repo, m.digest()), 404);
    Check.error(getManifest(repo, "gone"), 404, "MANIFEST_UNKNOWN");
    Check.error(getManifest(repo, "gone-too"), 404, "MANIFEST_UNKNOWN");
    Check.status(getManifest(repo, "keep"), 200);
    Check.status(getManifest(repo, keep.digest()), 200);
  }

  /** DELETE of a manifest digest the repository does not have is 404 MANIFEST_UNKNOWN. */
  @ManagementTest
  default void deleteOfUnknownManifestIs404() {
    String repo = repo("manifest-delete-unknown");
    pushImage(repo, "x");
    Response del = wire().delete("/v2/" + repo + "/manifests/" + Blob.random(3).digest());
    if (del.status() == 400 || del.status() == 405) {
      observed(Capability.DELETE, false, "DELETE of a manifest answered " + del.status() + " (deletion disabled)");
    }
    Check.error(del, 404, "MANIFEST_UNKNOWN");
  }

  /** end-9 by tag: 202; the tag is gone (404) but the manifest stays pullable by digest and other tags. */
  @ManagementTest
  default void deletedTagIs404AndManifestRemains() {
    String repo = repo("tag-delete");
    Manifest m = pushImage(repo, "old");
    pushManifest(repo, "current", m);
    Response del = wire().delete("/v2/" + repo + "/manifests/old");
    observed(Capability.TAG_DELETE, del.status() == 202, "DELETE /v2/<name>/manifests/<tag> answered " + del.status() + "\n" + del);
    Check.error(getManifest(repo, "old"), 404, "MANIFEST_UNKNOWN");
    Check.status(getManifest(repo, m.digest()), 200);
    Check.status(getManifest(repo, "current"), 200);
    Response tags = wire().get("/v2/" + repo + "/tags/list");
    Check.status(tags, 200);
    List<String> names = new ArrayList<>();
    tags.json().path("tags").forEach(t -> names.add(t.asText()));
    assertThat(names).as("tags after deleting one\n%s", tags).containsExactly("current");
  }
}
