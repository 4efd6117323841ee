package dev.berth.conformance;

/**
 * Behaviours that not every registry has. Two kinds:
 *
 * <ul>
 *   <li><b>optional</b> ones, which the OCI distribution-spec leaves to the registry (MAY/SHOULD):
 *       expected only when the target declares them;
 *   <li><b>required</b> ones, which the spec makes a MUST but which a well-known registry is known
 *       to lack: always expected, unless the target records the deviation with
 *       {@link Target.Builder#lacks} and a reason.
 * </ul>
 *
 * Everything else the spec requires (and every real client relies on) is not listed here: the suite
 * always asserts it.
 *
 * <p>How a test uses a capability: it exercises the behaviour and observes the answer. If the
 * behaviour is there, the test checks it in full. If it is not there and the target is expected to
 * have it ({@link Target#expects}), the test fails. Otherwise the test is aborted (reported as
 * skipped) with a message naming the target, the missing feature and what was observed, so a
 * limitation is never a silent pass.
 */
public enum Capability {
  // ---- optional in the spec
  SINGLE_POST_UPLOAD(false, "single-request monolithic upload (POST /v2/<name>/blobs/uploads/?digest= with the blob as body, answered 201)"),
  MOUNT(false, "cross-repository blob mount (POST /v2/<name>/blobs/uploads/?mount=&from= answered 201)"),
  RANGE_REQUESTS(false, "Range requests on blobs (206 with Content-Range, a well-formed 416 for an unsatisfiable range)"),
  SHA512(false, "sha512 content digests"),
  DELETE(false, "deleting blobs and manifests by digest"),
  TAG_DELETE(false, "deleting a tag (DELETE /v2/<name>/manifests/<tag>)"),
  CATALOG(false, "the /v2/_catalog listing with n/last pagination and a Link rel=\"next\" header"),
  REFERRERS(false, "the OCI 1.1 referrers API (GET /v2/<name>/referrers/<digest>, OCI-Subject on manifest PUT)"),
  NAME_INVALID(false, "400 NAME_INVALID for a malformed repository name"),
  MANIFEST_SIZE_LIMIT(false, "refusing manifests over 4 MiB (413 recommended)"),
  BERTH_EXTENSIONS(false, "berth's extensions (X-Request-Id on every response, error messages that explain themselves)"),

  // ---- required by the spec (MUST), but known to be missing from some registries
  TAG_ORDER(true, "tags/list in lexical order"),
  TAG_PAGINATION(true, "n/last pagination of /v2/<name>/tags/list with a Link rel=\"next\" header"),
  CHUNK_ORDER_CHECK(true, "416 Range Not Satisfiable, with the current Range, for an out-of-order PATCH chunk (Content-Range checked)");

  private final boolean requiredBySpec;
  private final String description;

  Capability(boolean requiredBySpec, String description) {
    this.requiredBySpec = requiredBySpec;
    this.description = description;
  }

  /** True for MUSTs of the spec: expected of every target that does not record the deviation. */
  public boolean requiredBySpec() {
    return requiredBySpec;
  }

  /** What the capability is, in words, for skip and failure messages. */
  public String description() {
    return description;
  }
}
