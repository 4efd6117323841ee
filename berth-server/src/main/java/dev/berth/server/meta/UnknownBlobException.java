package dev.berth.server.meta;

import dev.berth.oci.Digest;
import java.util.List;

/**
 * A blob was to be linked (directly, or as a manifest's reference) but was never recorded with
 * {@link MetadataStore#putBlob}. The registry answers BLOB_UNKNOWN or MANIFEST_BLOB_UNKNOWN. The
 * check runs inside the writing transaction, so it cannot race with garbage collection.
 */
public class UnknownBlobException extends MetadataException {
  private static final long serialVersionUID = 1L;

  private final transient List<Digest> digests;

  public UnknownBlobException(List<Digest> digests) {
    super("blob" + (digests.size() == 1 ? " " : "s ") + digests + " not known to the metadata store");
    this.digests = List.copyOf(digests);
  }

  /** The digests that are not recorded, in the order they were referenced. */
  public List<Digest> digests() {
    return digests;
  }
}
