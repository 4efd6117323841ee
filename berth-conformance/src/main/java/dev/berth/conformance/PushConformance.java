package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Push: every way of uploading a blob, mounting, digests, and manifest PUT with its validation. */
public interface PushConformance extends SuiteSupport {

  /** Asserts a blob is readable with exactly these bytes from {@code repo}. */
  private void assertBlobReadable(String repo, Blob b) {
    Response r = getBlob(repo, b.digest());
    Check.status(r, 200);
    Check.body(r, b.bytes());
  }

  /** Asserts the 201 of a completed upload: Location (a pullable blob URL) and Docker-Content-Digest. */
  private void assertBlobCreated(Response r, Blob b) {
    Check.status(r, 201);
    Check.digestHeader(r, b.digest());
    Response atLocation = wire().call("GET", location(r)).followRedirects().send();
    Check.status(atLocation, 200);
    Check.body(atLocation, b.bytes());
  }

  /** end-4b: POST ?digest= with the blob as body creates it in one request (201), or falls back to 202. */
  @PushTest
  default void singlePostMonolithicUploadCreatesBlob() {
    String repo = repo("single-post");
    Blob b = Blob.random(2048);
    Response r = wire().call("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + Wire.q(b.digest()))
        .contentType("application/octet-stream").body(b.bytes()).send();
    Check.status(r, 201, 202);
    if (r.status() == 202) {
      // The spec's fallback for registries without single-POST: the client PUTs to the Location.
      Response put = wire().call("PUT", Wire.withQuery(location(r), "digest", b.digest()))
          .contentType("application/octet-stream").body(b.bytes()).send();
      assertBlobCreated(put, b);
      observed(Capability.SINGLE_POST_UPLOAD, false,
          "POST ?digest= with a 2048-byte body answered 202 and an upload session; the fallback PUT to its Location then completed the blob (as the spec allows)");
    }
    assertBlobCreated(r, b);
  }

  /** end-4a + end-6: POST opens a session (202, Location); PUT <location>?digest= with the body completes it (201). */
  @PushTest
  default void postThenPutMonolithicUploadCreatesBlob() {
    String repo = repo("post-put");
    Blob b = Blob.random(4096);
    Response post = startUpload(repo);
    Response put = wire().call("PUT", Wire.withQuery(location(post), "digest", b.digest()))
        .contentType("application/octet-stream").body(b.bytes()).send();
    assertBlobCreated(put, b);
    assertBlobReadable(repo, b);
  }

  /** The chunk size to use: 1000 bytes, or the registry's OCI-Chunk-Min-Length if larger. */
  private int chunkSize(Response post) {
    int min = post.header("OCI-Chunk-Min-Length").map(Integer::parseInt).orElse(0);
    return Math.max(1000, min);
  }

  private Response patch(String location, byte[] all, int from, int to) {
    return wire().call("PATCH", location)
        .contentType("application/octet-stream")
        .header("Content-Range", from + "-" + (to - 1))
        .body(Arrays.copyOfRange(all, from, to)).send();
  }

  /** end-5 + end-6: PATCH chunks with Content-Range (202, Range 0-<end>, Location), the last chunk in the closing PUT (201). */
  @PushTest
  default void chunkedUploadWithPatchesAndFinalPutCreatesBlob() {
    String repo = repo("chunked");
    Response post = startUpload(repo);
    int c = chunkSize(post);
    Blob b = Blob.random(3 * c - 7);
    String loc = location(post);
    for (int i = 0; i < 2; i++) {
      Response r = patch(loc, b.bytes(), i * c, (i + 1) * c);
      Check.status(r, 202);
      assertThat(Check.uploadRangeEnd(r)).as("Range after chunk %d\n%s", i + 1, r).isEqualTo((i + 1L) * c - 1);
      loc = location(r);
    }
    Response put = wire().call("PUT", Wire.withQuery(loc, "digest", b.digest()))
        .contentType("application/octet-stream")
        .header("Content-Range", (2 * c) + "-" + (b.size() - 1))
        .body(Arrays.copyOfRange(b.bytes(), 2 * c, b.bytes().length)).send();
    assertBlobCreated(put, b);
    assertBlobReadable(repo, b);
  }

  /** All chunks by PATCH, then a PUT ?digest= with an empty body closes the session (201). */
  @PushTest
  default void chunkedUploadClosedByEmptyPutCreatesBlob() {
    String repo = repo("chunked-empty-put");
    Response post = startUpload(repo);
    int c = chunkSize(post);
    Blob b = Blob.random(2 * c);
    Response first = patch(location(post), b.bytes(), 0, c);
    Check.status(first, 202);
    Response second = patch(location(first), b.bytes(), c, 2 * c);
    Check.status(second, 202);
    assertThat(Check.uploadRangeEnd(second)).as("Range\n%s", second).isEqualTo(2L * c - 1);
    Response put = wire().call("PUT", Wire.withQuery(location(second), "digest", b.digest())).send();
    assertBlobCreated(put, b);
  }

  /**
   * end-13: GET on an upload session answers 204 with Range 0-<end>, Location and
   * Docker-Upload-UUID (OPTIONAL in the spec, but docker's client reads it), and the session can be
   * completed from that Location.
   */
  @PushTest
  default void uploadStatusReportsRangeLocationAndUploadUuid() {
    String repo = repo("upload-status");
    Response post = startUpload(repo);
    String uuid = Check.header(post, "Docker-Upload-UUID");
    int c = chunkSize(post);
    Blob b = Blob.random(c + 50);
    Response patched = patch(location(post), b.bytes(), 0, c);
    Check.status(patched, 202);

    Response status = wire().get(location(patched));
    Check.status(status, 204);
    assertThat(Check.uploadRangeEnd(status)).as("Range of upload status\n%s", status).isEqualTo(c - 1L);
    Check.header(status, "Location");
    Check.header(status, "Docker-Upload-UUID", uuid);

    Response put = wire().call("PUT", Wire.withQuery(location(status), "digest", b.digest()))
        .contentType("application/octet-stream").header("Content-Range", c + "-" + (b.size() - 1))
        .body(Arrays.copyOfRange(b.bytes(), c, b.bytes().length)).send();
    assertBlobCreated(put, b);
  }

  /**
   * A chunk that does not start right after the last accepted byte is refused with 416 and the
   * current Range; nothing of it is kept, and the upload can resume from the reported offset.
   */
  @PushTest
  default void outOfOrderChunkIs416WithCurrentRange() {
    String repo = repo("chunk-order");
    Response post = startUpload(repo);
    int c = chunkSize(post);
    Blob b = Blob.random(2 * c);
    Response first = patch(location(post), b.bytes(), 0, c);
    Check.status(first, 202);
    String loc = location(first);

    int gapStart = c + 10;
    Response gap = wire().call("PATCH", loc).contentType("application/octet-stream")
        .header("Content-Range", gapStart + "-" + (gapStart + 9))
        .body(Arrays.copyOfRange(b.bytes(), gapStart, gapStart + 10)).send();
    if (gap.status() == 202) {
      wire().delete(location(gap));
      observed(Capability.CHUNK_ORDER_CHECK, false,
          "PATCH with Content-Range " + gapStart + "-" + (gapStart + 9) + " after 0-" + (c - 1) + " was accepted with 202 (Range " + gap.headerOrNull("Range") + "): Content-Range is not checked");
    }
    Check.status(gap, 416);
    observed(Capability.CHUNK_ORDER_CHECK, gap.header("Range").isPresent(), "the 416 carries no Range header\n" + gap);
    assertThat(Check.uploadRangeEnd(gap)).as("Range on the 416\n%s", gap).isEqualTo(c - 1L);
    if (gap.header("Location").isPresent()) loc = location(gap);

    Response status = wire().get(loc);
    Check.status(status, 204);
    assertThat(Check.uploadRangeEnd(status)).as("Range after the refused chunk\n%s", status).isEqualTo(c - 1L);

    Response resumed = patch(location(status), b.bytes(), c, 2 * c);
    Check.status(resumed, 202);
    Response put = wire().call("PUT", Wire.withQuery(location(resumed), "digest", b.digest())).send();
    assertBlobCreated(put, b);
  }

  /** A closing PUT whose digest does not match the content is 400 DIGEST_INVALID, and no blob appears. */
  @PushTest
  default void putWithWrongDigestIs400DigestInvalidAndNoBlobAppears() {
    String repo = repo("wrong-digest");
    pushBlob(repo, Blob.random(16)); // the repository exists
    Blob content = Blob.random(500);
    String claimed = Blob.random(500).digest();
    Response post = startUpload(repo);
    Response put = wire().call("PUT", Wire.withQuery(location(post), "digest", claimed))
        .contentType("application/octet-stream").body(content.bytes()).send();
    Check.error(put, 400, "DIGEST_INVALID");
    Check.headStatus(headBlob(repo, claimed), 404);
    Check.headStatus(headBlob(repo, content.digest()), 404);
  }

  /** end-11: POST ?mount=<digest>&from=<other> of a blob the other repository has answers 201 with Location. */
  @PushTest
  default void crossRepositoryMountAnswers201WithLocation() {
    String src = repo("mount-src");
    String dst = repo("mount-dst");
    Blob b = pushBlob(src, Blob.random(777));
    Response r = wire().call("POST", "/v2/" + dst + "/blobs/uploads/?mount=" + Wire.q(b.digest()) + "&from=" + Wire.q(src)).send();
    if (r.status() == 202) {
      wire().delete(location(r));
      observed(Capability.MOUNT, false, "mount of a blob present in " + src + " answered 202 (an upload session) instead of 201");
    }
    assertBlobCreated(r, b);
    assertBlobReadable(dst, b);
  }

  /** A mount whose source lacks the blob falls back to an ordinary upload session (202, Location) that works. */
  @PushTest
  default void mountFromRepositoryLackingTheBlobFallsBackToUploadSession() {
    String src = repo("mount-empty-src");
    String dst = repo("mount-fallback");
    pushBlob(src, Blob.random(10)); // the source exists but does not have the blob
    Blob b = Blob.random(321);
    Response r = wire().call("POST", "/v2/" + dst + "/blobs/uploads/?mount=" + Wire.q(b.digest()) + "&from=" + Wire.q(src)).send();
    Check.status(r, 202);
    Response put = wire().call("PUT", Wire.withQuery(location(r), "digest", b.digest()))
        .contentType("application/octet-stream").body(b.bytes()).send();
    assertBlobCreated(put, b);
  }

  /** A blob pushed with a sha512 digest is accepted and readable by that digest. */
  @PushTest
  default void sha512DigestIsAccepted() {
    String repo = repo("sha512");
    byte[] content = Blob.randomBytes(1500);
    String sha512 = Digest.of(Digest.SHA512, content).toString();
    Response post = startUpload(repo);
    Response put = wire().call("PUT", Wire.withQuery(location(post), "digest", sha512))
        .contentType("application/octet-stream").body(content).send();
    if (put.status() == 400) {
      observed(Capability.SHA512, false, "PUT ?digest=sha512:... answered 400 " + String.join(",", Check.envelope(put)));
    }
    Check.status(put, 201);
    Response get = getBlob(repo, sha512);
    Check.status(get, 200);
    Check.body(get, content);
  }

  /** A digest whose algorithm the registry does not support is 400 (DIGEST_INVALID or UNSUPPORTED), and nothing is stored. */
  @PushTest
  default void unsupportedDigestAlgorithmIs400() {
    String repo = repo("digest-alg");
    Blob b = Blob.random(5);
    Response post = startUpload(repo);
    // md5 follows the digest grammar but is not an algorithm any registry accepts
    Response put = wire().call("PUT", Wire.withQuery(location(post), "digest", "md5:5d41402abc4b2a76b9719d911017c592"))
        .contentType("application/octet-stream").body(b.bytes()).send();
    Check.error(put, 400, "DIGEST_INVALID", "UNSUPPORTED");
    Check.headStatus(headBlob(repo, b.digest()), 404);
  }

  /** end-7 by tag: 201 with Location (a pullable manifest URL) and Docker-Content-Digest equal to the digest of the bytes. */
  @PushTest
  default void manifestPutByTagAnswers201WithLocationAndDigest() {
    String repo = repo("put-by-tag");
    Blob layer = pushBlob(repo, Blob.random(100));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    Manifest m = Docs.ociImage(config, List.of(layer));
    Response r = putManifest(repo, "latest", m);
    Check.status(r, 201);
    Check.digestHeader(r, m.digest());
    Response at = wire().call("GET", location(r)).header("Accept", Docs.ACCEPT_ALL_MANIFESTS).send();
    Check.status(at, 200);
    Check.body(at, m.bytes());
  }

  /** end-7 by digest: 201 with Location and Docker-Content-Digest; the manifest is then pullable by digest. */
  @PushTest
  default void manifestPutByDigestAnswers201WithLocationAndDigest() {
    String repo = repo("put-by-digest");
    Blob layer = pushBlob(repo, Blob.random(100));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    Manifest m = Docs.ociImage(config, List.of(layer));
    Response r = putManifest(repo, m.digest(), m);
    Check.status(r, 201);
    Check.digestHeader(r, m.digest());
    Check.header(r, "Location");
    assertPullable(repo, null, m);
  }

  /** PUT of another manifest under an existing tag moves the tag; the old manifest stays pullable by digest. */
  @PushTest
  default void manifestPutToAnExistingTagMovesTheTag() {
    String repo = repo("retag");
    Manifest first = pushImage(repo, "stable");
    Manifest second = pushImage(repo, "next");
    Response r = putManifest(repo, "stable", second);
    Check.status(r, 201);
    Check.digestHeader(r, second.digest());
    Response now = getManifest(repo, "stable");
    Check.status(now, 200);
    Check.digestHeader(now, second.digest());
    Check.body(now, second.bytes());
    Check.status(getManifest(repo, first.digest()), 200);
  }

  /** PUT by a digest that is not the digest of the bytes is refused (400 DIGEST_INVALID). */
  @PushTest
  default void manifestPutByMismatchedDigestIs400DigestInvalid() {
    String repo = repo("put-digest-mismatch");
    Blob layer = pushBlob(repo, Blob.random(100));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    Manifest m = Docs.ociImage(config, List.of(layer));
    String other = Blob.random(10).digest();
    Check.error(putManifest(repo, other, m), 400, "DIGEST_INVALID");
    Check.status(getManifest(repo, other), 404);
    Check.status(getManifest(repo, m.digest()), 404);
  }

  /** A manifest that references a blob the repository does not have is 400 MANIFEST_BLOB_UNKNOWN, and nothing is tagged. */
  @PushTest
  default void manifestReferencingMissingBlobIs400ManifestBlobUnknown() {
    String repo = repo("missing-blob");
    Blob layer = Blob.random(100); // never pushed
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    Manifest m = Docs.ociImage(config, List.of(layer));
    Check.error(putManifest(repo, "broken", m), 400, "MANIFEST_BLOB_UNKNOWN");
    Check.status(getManifest(repo, "broken"), 404);
  }

  /** An index that references a child manifest the repository does not have is refused with an error. */
  @PushTest
  default void indexReferencingMissingManifestIsRefused() {
    String repo = repo("index-missing-child");
    Manifest present = pushImage(repo, "present");
    Blob layer = Blob.random(100);
    Manifest absent = Docs.ociImage(Docs.config(Docs.OCI_CONFIG, layer), List.of(layer)); // never pushed
    Manifest index = Docs.ociIndex(List.of(present, absent), Map.of());
    Check.error(putManifest(repo, "broken-index", index), 400, "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID");
    Check.status(getManifest(repo, "broken-index"), 404);
  }

  /** A body that is not JSON is 400 MANIFEST_INVALID. */
  @PushTest
  default void invalidJsonManifestIs400ManifestInvalid() {
    String repo = repo("invalid-json");
    pushImage(repo, "ok");
    Manifest bad = Manifest.of(Docs.OCI_MANIFEST, Docs.utf8("{\"schemaVersion\": 2, \"mediaType\": \"" + Docs.OCI_MANIFEST + "\", \"config\": {"));
    Check.error(putManifest(repo, "bad", bad), 400, "MANIFEST_INVALID");
    Check.status(getManifest(repo, "bad"), 404);
  }

  /** A manifest over 4 MiB is refused (413 Payload Too Large is what the spec recommends) and not stored. */
  @PushTest
  default void manifestOver4MiBIsRefused() {
    String repo = repo("huge-manifest");
    Blob layer = pushBlob(repo, Blob.random(100));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    String filler = "x".repeat((4 << 20) + 1024);
    Manifest huge = Docs.ociImage(config, List.of(layer),
        Map.of("annotations", Docs.annotations(Map.of("dev.berth.conformance.filler", filler))));
    assertThat(huge.size()).isGreaterThan(4L << 20);
    Response r;
    try {
      r = putManifest(repo, "huge", huge);
    } catch (UncheckedIOException e) {
      throw new AssertionError("PUT of a " + huge.size() + "-byte manifest: the connection failed instead of an HTTP answer (413 expected): " + e.getMessage(), e);
    }
    if (r.is2xx()) {
      observed(Capability.MANIFEST_SIZE_LIMIT, false, "a " + huge.size() + "-byte manifest was accepted with " + r.status());
    }
    Check.status(r, 413, 400);
    if (r.bodyIsJson()) Check.envelope(r);
    Check.status(getManifest(repo, "huge"), 404);
  }
}
