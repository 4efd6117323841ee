package dev.berth.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes one object. Not thread-safe. {@link #commit()} makes everything written durable and
 * visible; {@link #cancel()} throws it away (and, for an appending writer, everything stored at
 * the path); {@link #close()} without commit releases resources and keeps only what was
 * committed before.
 */
public interface ObjectWriter extends AutoCloseable {

  /** Writes all of {@code buf}. */
  void write(ByteBuffer buf) throws IOException;

  /** Total size of the object so far, including the offset the writer started at. */
  long size();

  /** Makes all bytes written durable (fsync or multipart completion) and readable at the path. */
  void commit() throws IOException;

  /** Discards the object. */
  void cancel() throws IOException;

  @Override
  void close() throws IOException;

  /** An OutputStream view; closing it does not commit. */
  default OutputStream asOutputStream() {
    ObjectWriter w = this;
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        w.write(ByteBuffer.wrap(new byte[] {(byte) b}));
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        w.write(ByteBuffer.wrap(b, off, len));
      }
    };
  }
}
