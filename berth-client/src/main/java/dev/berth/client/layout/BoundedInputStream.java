package dev.berth.client.layout;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * At most {@code limit} bytes of another stream: one entry of a tar archive. Closing it closes the
 * underlying stream only when asked to (an entry read from a whole archive must not close it).
 */
public final class BoundedInputStream extends FilterInputStream {
  private long left;
  private final boolean closeUnderlying;

  public BoundedInputStream(InputStream in, long limit, boolean closeUnderlying) {
    super(in);
    this.left = limit;
    this.closeUnderlying = closeUnderlying;
  }

  @Override
  public int read() throws IOException {
    if (left <= 0) return -1;
    int b = in.read();
    if (b >= 0) left--;
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (left <= 0) return -1;
    int n = in.read(buf, off, (int) Math.min(len, left));
    if (n > 0) left -= n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long s = in.skip(Math.min(n, left));
    if (s > 0) left -= s;
    return s;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), left);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Skips what the reader left unread, so the underlying stream is at the entry's end. */
  public void skipRest() throws IOException {
    if (left > 0) in.skipNBytes(left);
    left = 0;
  }

  @Override
  public void close() throws IOException {
    if (closeUnderlying) in.close();
  }
}
