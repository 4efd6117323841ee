package dev.berth.bench;

import dev.berth.oci.Digest;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Blob content of any size without holding it in memory: one shared 1 MiB block of random bytes
 * repeated, with a per-blob seed in the first 8 bytes so that every blob has its own digest. The
 * body publisher hands out read-only slices of the shared block (no per-chunk copy or allocation
 * beyond the slice object), so the client side costs as little as possible.
 */
public final class Payload {
  static final int BLOCK = 1 << 20;
  private static final ByteBuffer SHARED;
  private static final ByteBuffer SHARED_DIRECT;

  static {
    byte[] b = new byte[BLOCK];
    new SplittableRandom(0x6265727468L).nextBytes(b);
    SHARED = ByteBuffer.wrap(b).asReadOnlyBuffer();
    SHARED_DIRECT = ByteBuffer.allocateDirect(BLOCK).put(b).clear().asReadOnlyBuffer();
  }

  private final long size;
  private final ByteBuffer first;
  private ByteBuffer firstDirect;
  private volatile Digest digest;

  public Payload(long size, long seed) {
    this.size = size;
    ByteBuffer f = ByteBuffer.allocate(BLOCK);
    f.put(SHARED.duplicate());
    f.order(ByteOrder.BIG_ENDIAN).putLong(0, seed);
    f.clear();
    this.first = f.asReadOnlyBuffer();
  }

  public long size() {
    return size;
  }

  /** The bytes [offset, offset+length) of this payload as one array (for small blobs). */
  public byte[] bytes(long offset, int length) {
    byte[] out = new byte[length];
    int at = 0;
    long p = offset;
    while (at < length) {
      ByteBuffer b = slice(p, length - at);
      int n = b.remaining();
      b.get(out, at, n);
      at += n;
      p += n;
    }
    return out;
  }

  private ByteBuffer slice(long pos, long max) {
    ByteBuffer src = (pos < BLOCK ? first : SHARED).duplicate();
    int in = (int) (pos % BLOCK);
    int n = (int) Math.min(BLOCK - in, max);
    src.limit(in + n).position(in);
    return src.slice();
  }

  /**
   * The bytes from {@code pos} (at most {@code max}, at most up to the end of a 1 MiB block) as a
   * read-only direct buffer, for writing to a socket without the JDK's copy of heap buffers into
   * a temporary direct one.
   */
  synchronized ByteBuffer directSlice(long pos, long max) {
    if (pos < BLOCK && firstDirect == null) {
      firstDirect = ByteBuffer.allocateDirect(BLOCK).put(first.duplicate()).clear().asReadOnlyBuffer();
    }
    ByteBuffer src = (pos < BLOCK ? firstDirect : SHARED_DIRECT).duplicate();
    int in = (int) (pos % BLOCK);
    int n = (int) Math.min(BLOCK - in, max);
    src.limit(in + n).position(in);
    return src;
  }

  /** The SHA-256 of the whole payload; computed once. */
  public Digest digest() {
    Digest d = digest;
    if (d == null) {
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      long p = 0;
      while (p < size) {
        ByteBuffer b = slice(p, size - p);
        p += b.remaining();
        md.update(b);
      }
      d = new Digest(Digest.SHA256, HexFormat.of().formatHex(md.digest()));
      digest = d;
    }
    return d;
  }

  /** A body publisher for [offset, offset+length), with a Content-Length; re-subscribable. */
  public HttpRequest.BodyPublisher publisher(long offset, long length) {
    if (length == 0) return HttpRequest.BodyPublishers.noBody();
    return HttpRequest.BodyPublishers.fromPublisher(new RangePublisher(offset, length), length);
  }

  public HttpRequest.BodyPublisher publisher() {
    return publisher(0, size);
  }

  private final class RangePublisher implements Flow.Publisher<ByteBuffer> {
    private final long offset;
    private final long length;

    RangePublisher(long offset, long length) {
      this.offset = offset;
      this.length = length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      s.onSubscribe(new Flow.Subscription() {
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private long pos = offset;
        private final long end = offset + length;
        private volatile boolean cancelled;
        private boolean done;

        @Override
        public void request(long n) {
          if (n <= 0) {
            cancelled = true;
            s.onError(new IllegalArgumentException("request(" + n + ")"));
            return;
          }
          demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
          if (wip.getAndIncrement() != 0) return;
          do {
            while (!cancelled && pos < end && demand.get() > 0) {
              demand.decrementAndGet();
              ByteBuffer b = slice(pos, end - pos);
              pos += b.remaining();
              s.onNext(b);
            }
            if (!cancelled && !done && pos >= end) {
              done = true;
              s.onComplete();
            }
          } while (wip.decrementAndGet() != 0);
        }

        @Override
        public void cancel() {
          cancelled = true;
        }
      });
    }
  }
}
