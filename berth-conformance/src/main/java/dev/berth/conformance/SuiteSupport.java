package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * What every area of the suite shares: the target, the wire, unique repository names, capability
 * handling, and the few push/pull steps that set up a test. A concrete test class implements
 * {@link ConformanceSuite} and provides {@link #target()}.
 */
public interface SuiteSupport {

  /** The registry under test. */
  Target target();

  default Wire wire() {
    return Wire.of(target());
  }

  /**
   * A repository name no other test uses: {@code <namespace>/<slug>-<random>}. Every test works in
   * its own repositories so that tests are independent and may run in any order.
   */
  default String repo(String slug) {
    byte[] r = new byte[4];
    ThreadLocalRandom.current().nextBytes(r);
    return target().namespace() + "/" + slug + "-" + HexFormat.of().formatHex(r);
  }

  // ---- capabilities -------------------------------------------------------------------------

  /**
   * The behaviour behind {@code capability} was observed to be {@code present} or not. Present: the
   * test goes on. Absent and expected ({@link Target#expects}): the test fails. Absent and not
   * expected: the test aborts with a message naming the target, the missing feature and what was
   * observed.
   */
  default void observed(Capability capability, boolean present, String observation) {
    if (present) return;
    if (target().expects(capability)) {
      String why = target().declares(capability) ? " declares " : " must have (the spec requires it) ";
      fail(target().name() + why + capability + " (" + capability.description() + ") but " + observation);
    }
    Assumptions.abort(target().lacks(capability) + " [observed: " + observation.strip() + "]");
  }

  /** For behaviours that cannot be probed: abort unless the target is expected to have {@code capability}. */
  default void requireDeclared(Capability capability) {
    if (!target().expects(capability)) Assumptions.abort(target().lacks(capability));
  }

  // ---- uploads ------------------------------------------------------------------------------

  /** POST /v2/<name>/blobs/uploads/ and return the upload Location (asserting 202 and Location). */
  default Response startUpload(String repo) {
    Response r = wire().call("POST", "/v2/" + repo + "/blobs/uploads/").send();
    Check.status(r, 202);
    Check.header(r, "Location");
    return r;
  }

  default String location(Response r) {
    return Check.header(r, "Location");
  }

  /** Pushes a blob the portable way (POST then PUT ?digest=) and asserts 201. */
  default Blob pushBlob(String repo, Blob blob) {
    String loc = location(startUpload(repo));
    Response r = wire().call("PUT", Wire.withQuery(loc, "digest", blob.digest()))
        .contentType("application/octet-stream").body(blob.bytes()).send();
    Check.status(r, 201);
    return blob;
  }

  default void pushBlobs(String repo, List<Blob> blobs) {
    for (Blob b : blobs) pushBlob(repo, b);
  }

  default Response getBlob(String repo, String digest) {
    return wire().call("GET", "/v2/" + repo + "/blobs/" + digest).followRedirects().send();
  }

  default Response headBlob(String repo, String digest) {
    return wire().call("HEAD", "/v2/" + repo + "/blobs/" + digest).followRedirects().send();
  }

  // ---- manifests ----------------------------------------------------------------------------

  default Response putManifest(String repo, String reference, Manifest m) {
    return wire().call("PUT", "/v2/" + repo + "/manifests/" + reference).contentType(m.mediaType()).body(m.bytes()).send();
  }

  /** PUTs a manifest and asserts 201. */
  default Manifest pushManifest(String repo, String reference, Manifest m) {
    Check.status(putManifest(repo, reference, m), 201);
    return m;
  }

  default Response getManifest(String repo, String reference) {
    return wire().call("GET", "/v2/" + repo + "/manifests/" + reference).header("Accept", Docs.ACCEPT_ALL_MANIFESTS).send();
  }

  default Response headManifest(String repo, String reference) {
    return wire().call("HEAD", "/v2/" + repo + "/manifests/" + reference).header("Accept", Docs.ACCEPT_ALL_MANIFESTS).send();
  }

  /** Pushes a one-layer OCI image (config, layer, manifest) under {@code tag} and returns its manifest. */
  default Manifest pushImage(String repo, String tag) {
    Blob layer = pushBlob(repo, Blob.random(512));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, layer));
    return pushManifest(repo, tag, Docs.ociImage(config, List.of(layer)));
  }

  /**
   * Asserts the pull side of a pushed manifest: GET and HEAD by tag and by digest answer 200 with
   * the exact bytes, the Content-Type it was pushed with, its Docker-Content-Digest and length.
   */
  default void assertPullable(String repo, String tag, Manifest m) {
    for (String ref : tag == null ? List.of(m.digest()) : List.of(tag, m.digest())) {
      Response get = getManifest(repo, ref);
      Check.status(get, 200);
      Check.body(get, m.bytes());
      assertThat(get.contentTypeEssence()).as("Content-Type of GET manifest %s\n%s", ref, get).isEqualTo(m.mediaType());
      Check.digestHeader(get, m.digest());

      Response head = headManifest(repo, ref);
      Check.headStatus(head, 200);
      assertThat(head.contentTypeEssence()).as("Content-Type of HEAD manifest %s\n%s", ref, head).isEqualTo(m.mediaType());
      Check.digestHeader(head, m.digest());
      Check.contentLength(head, m.size());
    }
  }
}
