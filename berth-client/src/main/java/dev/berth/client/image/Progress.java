package dev.berth.client.image;

import dev.berth.oci.Descriptor;

/**
 * Receives what a copy does, for progress displays and logs. Called from several threads (blobs
 * move in parallel); implementations must be thread-safe and fast.
 */
public interface Progress {
  /** How a blob reached the destination. */
  enum Outcome { COPIED, EXISTS, MOUNTED }

  /** A copy of these blobs (total bytes) is starting. */
  default void plan(int blobs, long totalBytes) {}

  default void blobStarted(Descriptor blob) {}

  /** {@code done} bytes of the blob have been sent or received (absolute, may go back after a resume). */
  default void blobProgress(Descriptor blob, long done) {}

  /** An upload broke and resumes at {@code offset}, as the registry reported. */
  default void blobResumed(Descriptor blob, long offset, String why) {}

  default void blobDone(Descriptor blob, Outcome outcome) {}

  /** A manifest was written (root or child of an index), to {@code where}. */
  default void manifestWritten(Manifest manifest, String where) {}

  Progress NONE = new Progress() {};
}
