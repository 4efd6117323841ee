package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Pull: the base endpoint, reading blobs (whole and ranged) and manifests of every type. */
public interface PullConformance extends SuiteSupport {

  /** end-1: GET /v2/ is 200 (or 401 with a challenge) and names the API version. */
  @PullTest
  default void baseEndpointAnswers200Or401WithApiVersionHeader() {
    Response anonymous = wire().call("GET", "/v2/").anonymous().send();
    Check.status(anonymous, 200, 401);
    if (anonymous.status() == 401) {
      Check.header(anonymous, "WWW-Authenticate");
    }
    Check.header(anonymous, "Docker-Distribution-API-Version", "registry/2.0");

    Response r = wire().get("/v2/");
    Check.status(r, 200);
    Check.header(r, "Docker-Distribution-API-Version", "registry/2.0");
  }

  /** end-2 GET: the exact bytes, with Docker-Content-Digest and Content-Length. */
  @PullTest
  default void getBlobReturnsContentWithDigestAndLength() {
    String repo = repo("blob-get");
    Blob b = pushBlob(repo, Blob.random(3000));
    Response r = getBlob(repo, b.digest());
    Check.status(r, 200);
    Check.body(r, b.bytes());
    Check.digestHeader(r, b.digest());
    Check.contentLength(r, b.size());
  }

  /** end-2 HEAD: 200, Docker-Content-Digest, Content-Length of the blob, and no body. */
  @PullTest
  default void headBlobReturnsDigestAndLengthWithoutBody() {
    String repo = repo("blob-head");
    Blob b = pushBlob(repo, Blob.random(1234));
    Response r = headBlob(repo, b.digest());
    Check.headStatus(r, 200);
    Check.digestHeader(r, b.digest());
    Check.contentLength(r, b.size());
  }

  /** A Range GET of a blob answers 206 with Content-Range and exactly the requested bytes. */
  @PullTest
  default void rangeGetOfBlobAnswers206WithContentRange() {
    String repo = repo("blob-range");
    Blob b = pushBlob(repo, Blob.random(1000));
    Response r = wire().call("GET", "/v2/" + repo + "/blobs/" + b.digest()).header("Range", "bytes=100-299").followRedirects().send();
    observed(Capability.RANGE_REQUESTS, r.status() == 206, "GET with Range: bytes=100-299 answered " + r.status());
    Check.status(r, 206);
    Check.header(r, "Content-Range", "bytes 100-299/1000");
    Check.body(r, Arrays.copyOfRange(b.bytes(), 100, 300));

    Response tail = wire().call("GET", "/v2/" + repo + "/blobs/" + b.digest()).header("Range", "bytes=990-").followRedirects().send();
    Check.status(tail, 206);
    Check.header(tail, "Content-Range", "bytes 990-999/1000");
    Check.body(tail, Arrays.copyOfRange(b.bytes(), 990, 1000));
  }

  /** A Range that starts beyond the end of the blob answers a well-formed 416. */
  @PullTest
  default void unsatisfiableRangeAnswers416() {
    String repo = repo("blob-range-416");
    Blob b = pushBlob(repo, Blob.random(100));
    Response r = wire().call("GET", "/v2/" + repo + "/blobs/" + b.digest()).header("Range", "bytes=200-300").followRedirects().send();
    observed(Capability.RANGE_REQUESTS, r.status() == 416, "GET with Range: bytes=200-300 of a 100-byte blob answered " + r.status());
    observed(Capability.RANGE_REQUESTS, r.wellFramed(), "the 416 is malformed: " + r.bodyError()
        + " (Content-Length " + r.headerOrNull("Content-Length") + ", " + r.body().length + " body bytes)");
    Check.status(r, 416);
    r.header("Content-Range").ifPresent(cr -> assertThat(cr).as("Content-Range of a 416\n%s", r).isEqualTo("bytes */100"));
  }

  /** An unknown blob is 404 BLOB_UNKNOWN in the OCI error envelope (and a HEAD is a bodiless 404). */
  @PullTest
  default void unknownBlobIs404BlobUnknownWithErrorEnvelope() {
    String repo = repo("blob-unknown");
    pushBlob(repo, Blob.random(10)); // the repository exists; only the blob is unknown
    String missing = Blob.random(10).digest();
    Check.error(getBlob(repo, missing), 404, "BLOB_UNKNOWN");
    Check.headStatus(headBlob(repo, missing), 404);
  }

  /**
   * A blob is readable only in repositories it was pushed or mounted to: knowing its digest does
   * not make it readable from another repository (404 BLOB_UNKNOWN there).
   */
  @PullTest
  default void blobIsNotReadableFromARepositoryItWasNotPushedTo() {
    String owner = repo("blob-owner");
    String other = repo("blob-other");
    Blob b = pushBlob(owner, Blob.random(256));
    pushBlob(other, Blob.random(16)); // the other repository exists
    Check.status(getBlob(owner, b.digest()), 200);
    Check.error(getBlob(other, b.digest()), 404, "BLOB_UNKNOWN");
    Check.headStatus(headBlob(other, b.digest()), 404);
  }

  /** A manifest is pullable only from the repository it was pushed to: by digest elsewhere it is 404 MANIFEST_UNKNOWN. */
  @PullTest
  default void manifestIsNotPullableFromAnotherRepository() {
    String owner = repo("manifest-owner");
    String other = repo("manifest-other");
    Manifest m = pushImage(owner, "v1");
    pushImage(other, "v1"); // the other repository exists
    Check.error(getManifest(other, m.digest()), 404, "MANIFEST_UNKNOWN");
    Check.headStatus(headManifest(other, m.digest()), 404);
  }

  @PullTest
  default void ociImageManifestPullsByTagAndDigest() {
    String repo = repo("pull-oci-image");
    Manifest m = pushImage(repo, "v1");
    assertPullable(repo, "v1", m);
  }

  @PullTest
  default void ociImageIndexPullsByTagAndDigest() {
    String repo = repo("pull-oci-index");
    Manifest a = pushImage(repo, "amd64");
    Manifest b = pushImage(repo, "arm64");
    Manifest index = pushManifest(repo, "multi", Docs.ociIndex(List.of(a, b), Map.of()));
    assertPullable(repo, "multi", index);
  }

  @PullTest
  default void dockerSchema2ManifestPullsByTagAndDigest() {
    String repo = repo("pull-docker-v2");
    Blob layer = pushBlob(repo, Blob.random(700).as(Docs.DOCKER_LAYER));
    Blob config = pushBlob(repo, Docs.config(Docs.DOCKER_CONFIG, layer));
    Manifest m = pushManifest(repo, "v2", Docs.dockerImage(config, List.of(layer)));
    assertPullable(repo, "v2", m);
  }

  @PullTest
  default void dockerManifestListPullsByTagAndDigest() {
    String repo = repo("pull-docker-list");
    Manifest[] children = new Manifest[2];
    for (int i = 0; i < 2; i++) {
      Blob layer = pushBlob(repo, Blob.random(300 + i).as(Docs.DOCKER_LAYER));
      Blob config = pushBlob(repo, Docs.config(Docs.DOCKER_CONFIG, layer));
      children[i] = pushManifest(repo, "child" + i, Docs.dockerImage(config, List.of(layer)));
    }
    Manifest list = pushManifest(repo, "list", Docs.dockerList(List.of(children)));
    assertPullable(repo, "list", list);
  }

  /**
   * An artifact: an OCI image manifest with artifactType and the empty config
   * (application/vnd.oci.empty.v1+json, sha256:44136fa3..., size 2, content {}).
   */
  @PullTest
  default void artifactManifestWithEmptyConfigPullsByTagAndDigest() {
    String repo = repo("pull-artifact");
    pushBlob(repo, Blob.EMPTY);
    Check.body(getBlob(repo, Blob.EMPTY_DIGEST), Docs.utf8("{}"));
    Blob payload = pushBlob(repo, Blob.of("application/vnd.example.sbom.v1+json", Docs.utf8("{\"sbom\":true}")));
    Manifest m = pushManifest(repo, "sbom", Docs.ociImage(Blob.EMPTY, List.of(payload),
        Map.of("artifactType", Docs.text("application/vnd.example.sbom.v1"))));
    assertPullable(repo, "sbom", m);
  }

  /**
   * The registry MUST store the manifest in the exact byte representation provided: unusual
   * whitespace, key order and a trailing newline all come back unchanged, and the digest is over
   * those bytes.
   */
  @PullTest
  default void manifestBytesAreStoredExactly() {
    String repo = repo("byte-exact");
    Blob layer = pushBlob(repo, Blob.random(64));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    String odd = "{\n\t\"layers\" : [ {\"size\":" + layer.size() + ",  \"digest\": \"" + layer.digest() + "\",\n"
        + "      \"mediaType\":\"" + Docs.OCI_LAYER + "\"} ],\r\n"
        + "  \"config\":{\"digest\":\"" + config.digest() + "\",\"mediaType\":\"" + Docs.OCI_CONFIG + "\",\"size\":" + config.size() + "},\n"
        + "  \"annotations\": {\"z\": \"last\", \"a\": \"first\", \"u\": \"caf\u00e9 \\u00e9\"},\n"
        + "  \"mediaType\":    \"" + Docs.OCI_MANIFEST + "\",\n"
        + "  \"schemaVersion\": 2\n}\n";
    Manifest m = Manifest.of(Docs.OCI_MANIFEST, Docs.utf8(odd));
    Response put = putManifest(repo, "odd", m);
    Check.status(put, 201);
    Check.digestHeader(put, m.digest());
    assertPullable(repo, "odd", m);
  }

  /** An unknown tag in an existing repository is 404 MANIFEST_UNKNOWN in the error envelope. */
  @PullTest
  default void unknownTagIs404ManifestUnknown() {
    String repo = repo("tag-unknown");
    pushImage(repo, "exists");
    Check.error(getManifest(repo, "does-not-exist"), 404, "MANIFEST_UNKNOWN");
    Check.headStatus(headManifest(repo, "does-not-exist"), 404);
    Check.error(getManifest(repo, Blob.random(5).digest()), 404, "MANIFEST_UNKNOWN");
  }

  /** Names with several path components (a/b/c/d) work for blobs, manifests and tags. */
  @PullTest
  default void multiLevelRepositoryNamesWork() {
    String repo = repo("multi") + "/a/b/c/d";
    Manifest m = pushImage(repo, "deep");
    assertPullable(repo, "deep", m);
    Response tags = wire().get("/v2/" + repo + "/tags/list");
    Check.status(tags, 200);
    assertThat(tags.json().path("name").asText()).as("tags/list name\n%s", tags).isEqualTo(repo);
    assertThat(tags.json().path("tags").toString()).as("tags\n%s", tags).isEqualTo("[\"deep\"]");
  }
}
