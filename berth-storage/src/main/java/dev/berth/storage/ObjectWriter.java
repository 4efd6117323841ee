package dev.berth.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes one object. Not thread-safe. {@link #commit()} makes everything written durable and
 * visible; {@link #cancel()} throws it away (and, for an appending writer, everything stored at
 * the path; a new writer leaves a previous object at the path untouched); {@link #close()}
 * without commit releases resources and keeps only what was committed before.
 *
 * <p>{@code commit()} and {@code cancel()} finish the writer: afterwards {@code write} and {@code
 * commit} throw {@link IllegalStateException}, and {@code close()} does nothing.
 */
public interface ObjectWriter extends AutoCloseable {

  /** Writes all of {@code buf}. */
  void write(ByteBuffer buf) throws IOException;

  /** Total size of the object so far, including the offset the writer started at. */
  long size();

  /**
   * Starts making the bytes written so far durable, so that {@link #commit()} has little left to
   * do when it comes; may block until they are written. Unlike the other methods it may be called
   * from another thread while {@link #write} runs, and it does nothing once the writer is
   * finished. A failure here says nothing about commit, which reports its own. Does nothing by
   * default.
   */
  default void writeBack() throws IOException {}

  /** Makes all bytes written durable (fsync or multipart completion) and readable at the path. */
  void commit() throws IOException;

  /** Discards the object. */
  void cancel() throws IOException;

  @Override
  void close() throws IOException;

  /**
   * An OutputStream view; closing it does not commit. It allocates nothing per call when the
   * caller reuses one array, as streaming code does.
   */
  default OutputStream asOutputStream() {
    ObjectWriter w = this;
    return new OutputStream() {
      private final ByteBuffer one = ByteBuffer.allocate(1);
      private byte[] wrappedArray;
      private ByteBuffer wrapped;

      @Override
      public void write(int b) throws IOException {
        one.clear().put(0, (byte) b);
        w.write(one);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (b != wrappedArray) {
          wrappedArray = b;
          wrapped = ByteBuffer.wrap(b);
        }
        wrapped.clear().position(off).limit(off + len);
        w.write(wrapped);
      }
    };
  }
}
