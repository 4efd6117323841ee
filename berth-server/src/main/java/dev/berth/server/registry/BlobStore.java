package dev.berth.server.registry;

import dev.berth.oci.Digest;
import dev.berth.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Blob content in storage, addressed by digest. Layout (see docs/storage-layout.md):
 *
 * <pre>
 * blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;   committed, verified content
 * uploads/&lt;session id&gt;                            bytes of an upload in progress
 * </pre>
 *
 * Whether a blob is visible in a repository is decided by the metadata store, never by storage.
 */
public final class BlobStore {
  private final StorageDriver driver;

  public BlobStore(StorageDriver driver) {
    this.driver = driver;
  }

  public StorageDriver driver() {
    return driver;
  }

  /**
   * A file per blob in one of 256 directories per algorithm, no directory per blob: creating one
   * cost a mkdir and one more disk flush for every new blob. {@link BlobLayout} moves the
   * {@code <hex>/data} files of layout 1 (earlier berth builds) here.
   */
  public static String blobPath(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex();
  }

  /**
   * A flat file per session, no directory: creating and removing a directory per upload cost two
   * directory fsyncs of {@code uploads/} per blob.
   */
  public static String uploadPath(String uploadId) {
    return "uploads/" + uploadId;
  }

  public InputStream open(Digest d, long offset) throws IOException {
    return driver.read(blobPath(d), offset);
  }

  public Optional<Path> localFile(Digest d) {
    return driver.localFile(blobPath(d));
  }

  public byte[] readAll(Digest d) throws IOException {
    try (InputStream in = open(d, 0)) {
      return in.readAllBytes();
    }
  }

  /** Makes a verified upload's data the committed blob (atomic move). */
  public void commitUpload(String uploadId, Digest d) throws IOException {
    driver.move(uploadPath(uploadId), blobPath(d));
  }

  /** Removes an upload's data; also a directory left by berth before 0.1 (uploads/&lt;id&gt;/data). */
  public void deleteUpload(String uploadId) throws IOException {
    driver.delete(uploadPath(uploadId));
  }
}
