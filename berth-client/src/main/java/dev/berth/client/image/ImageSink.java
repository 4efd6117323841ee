package dev.berth.client.image;

import dev.berth.oci.Descriptor;

/**
 * Where an image goes. The copier calls {@link #hasBlob}, then {@link #mount} or
 * {@link #putBlob} for each blob (in parallel), then {@link #putManifest} for the children of an
 * index and finally the root, then {@link #commit}. A sink writes nothing visible before its
 * content is verified.
 */
public interface ImageSink extends AutoCloseable {
  String describe();

  /** Whether the sink can hold an index (a docker-archive cannot: it holds one platform). */
  default boolean supportsIndex() {
    return true;
  }

  boolean hasBlob(Descriptor blob);

  /** Tries a cross-repository mount from the source; true when the blob is now there. */
  default boolean mount(Descriptor blob, ImageSource from) {
    return false;
  }

  void putBlob(Descriptor blob, BlobSource content, Progress progress);

  /** Writes a manifest; the root one gets the sink's tag. */
  void putManifest(Manifest manifest, boolean root);

  /** Makes the result visible (index.json, the tarball); called once after the root manifest. */
  default void commit() {}

  @Override
  default void close() {}
}
