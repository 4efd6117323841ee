package dev.berth.oci.error;

/**
 * The error codes of the OCI distribution-spec (v1.1), each with the HTTP status it is normally
 * answered with. A {@link RegistryException} may override the status where the spec asks for
 * another one (for example 416 for an out-of-order chunk).
 */
public enum ErrorCode {
  BLOB_UNKNOWN(404, "blob unknown to registry"),
  BLOB_UPLOAD_INVALID(400, "blob upload invalid"),
  BLOB_UPLOAD_UNKNOWN(404, "blob upload unknown to registry"),
  DIGEST_INVALID(400, "provided digest did not match uploaded content"),
  MANIFEST_BLOB_UNKNOWN(404, "manifest references a manifest or blob unknown to registry"),
  MANIFEST_INVALID(400, "manifest invalid"),
  MANIFEST_UNKNOWN(404, "manifest unknown to registry"),
  NAME_INVALID(400, "invalid repository name"),
  NAME_UNKNOWN(404, "repository name not known to registry"),
  SIZE_INVALID(400, "provided length did not match content length"),
  UNAUTHORIZED(401, "authentication required"),
  DENIED(403, "requested access to the resource is denied"),
  UNSUPPORTED(405, "the operation is unsupported"),
  TOOMANYREQUESTS(429, "too many requests");

  private final int status;
  private final String specDescription;

  ErrorCode(int status, String specDescription) {
    this.status = status;
    this.specDescription = specDescription;
  }

  /** The HTTP status this code is answered with unless the thrower says otherwise. */
  public int status() {
    return status;
  }

  /** The short description the spec gives for this code. */
  public String specDescription() {
    return specDescription;
  }
}
