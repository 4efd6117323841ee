package dev.berth.client.remote;

import dev.berth.client.image.BlobSource;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * Reads a blob sequentially in slices, reopening the source only when a slice starts before the
 * current position (after a resume, or when a request body is sent again). One upload reads a
 * remote source with a single GET however many chunks it is pushed in.
 */
final class SeekableStream implements Closeable {
  private final BlobSource source;
  private InputStream in;
  private long pos;

  SeekableStream(BlobSource source) {
    this.source = source;
  }

  synchronized InputStream slice(long offset, long length, LongConsumer position) throws IOException {
    if (in == null || offset < pos) {
      close();
      in = source.open(offset);
      pos = offset;
    } else if (offset > pos) {
      in.skipNBytes(offset - pos);
      pos = offset;
    }
    return new Slice(length, position);
  }

  @Override
  public synchronized void close() {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // nothing left to do
      }
      in = null;
    }
  }

  private final class Slice extends InputStream {
    private long left;
    private final LongConsumer position;

    Slice(long length, LongConsumer position) {
      this.left = length;
      this.position = position;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) return -1;
      synchronized (SeekableStream.this) {
        int n = in.read(b, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
          pos += n;
          position.accept(pos);
        }
        return n;
      }
    }

    @Override
    public void close() {
      // the underlying stream stays open for the next slice
    }
  }
}
