package dev.berth.oci.io;

import dev.berth.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Hashes and counts what is read through it, in one pass, and refuses to read past a cap
 * (throwing {@link SizeLimitExceededException} as soon as the cap is crossed, before EOF).
 */
public final class DigestingInputStream extends FilterInputStream {
  private final MessageDigest md;
  private final String algorithm;
  private final long cap;
  private long count;

  public DigestingInputStream(InputStream in, String algorithm, long cap) {
    super(in);
    this.algorithm = algorithm;
    this.md = Digest.newMessageDigest(algorithm);
    this.cap = cap;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      count(1);
      md.update((byte) b);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = in.read(buf, off, len);
    if (n > 0) {
      count(n);
      md.update(buf, off, n);
    }
    return n;
  }

  private void count(int n) throws SizeLimitExceededException {
    count += n;
    if (count > cap) {
      throw new SizeLimitExceededException(cap);
    }
  }

  public long count() {
    return count;
  }

  /** The digest of everything read so far; call once, at the end. */
  public Digest digest() {
    return Digest.fromMessageDigest(algorithm, md);
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  /** Thrown when more bytes arrive than allowed. */
  public static final class SizeLimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    public SizeLimitExceededException(long limit) {
      super("more than " + limit + " bytes");
      this.limit = limit;
    }

    public long limit() {
      return limit;
    }
  }
}
