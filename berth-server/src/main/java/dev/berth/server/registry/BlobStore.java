package dev.berth.server.registry;

import dev.berth.oci.Digest;
import dev.berth.storage.ObjectWriter;
import dev.berth.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Blob content in storage, addressed by digest. Layout (see docs/storage-layout.md):
 *
 * <pre>
 * blobs/&lt;algorithm&gt;/&lt;first two hex&gt;/&lt;hex&gt;/data   committed, verified content
 * uploads/&lt;session id&gt;/data                            bytes of an upload in progress
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

  public static String blobPath(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex().substring(0, 2) + "/" + d.hex() + "/data";
  }

  public static String uploadPath(String uploadId) {
    return "uploads/" + uploadId + "/data";
  }

  public static String uploadDir(String uploadId) {
    return "uploads/" + uploadId;
  }

  public boolean exists(Digest d) throws IOException {
    return driver.stat(blobPath(d)).isPresent();
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

  /** Stores small content (a manifest) whose digest was computed by the caller. */
  public void putSmall(Digest d, byte[] content) throws IOException {
    if (exists(d)) {
      return;
    }
    String tmp = "uploads/m-" + java.util.UUID.randomUUID() + "/data";
    try (ObjectWriter w = driver.writer(tmp, 0)) {
      w.write(ByteBuffer.wrap(content));
      w.commit();
    }
    driver.move(tmp, blobPath(d));
    driver.delete(tmp.substring(0, tmp.lastIndexOf('/')));
  }

  /** Makes a verified upload's data the committed blob (atomic move). */
  public void commitUpload(String uploadId, Digest d) throws IOException {
    driver.move(uploadPath(uploadId), blobPath(d));
    driver.delete(uploadDir(uploadId));
  }

  public void deleteUpload(String uploadId) throws IOException {
    driver.delete(uploadDir(uploadId));
  }
}
