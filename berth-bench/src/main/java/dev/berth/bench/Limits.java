package dev.berth.bench;

import com.sun.nio.file.ExtendedOpenOption;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** What the machine allows: the ceilings the registry figures are judged against. */
final class Limits {
  private Limits() {}

  /** JDK SHA-256 (one thread) over an in-memory buffer, MB/s. */
  static double sha256(long bytes) {
    byte[] buf = new byte[16 << 20];
    new SplittableRandom(1).nextBytes(buf);
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    for (int i = 0; i < 8; i++) md.update(buf); // warm-up: get the intrinsic compiled
    md.digest();
    long t0 = System.nanoTime();
    long done = 0;
    while (done < bytes) {
      md.update(buf);
      done += buf.length;
    }
    md.digest();
    return mbps(done, System.nanoTime() - t0);
  }

  /**
   * Sequential write of {@code bytes} in 1 MiB writes followed by fsync (the time includes the
   * fsync), then a read of the same file through the page cache and with O_DIRECT (from the
   * device, when the file system allows it; -1 otherwise), and an O_DIRECT write ({@link
   * #directWrite}). MB/s: {write, read cached, read direct, write direct}.
   */
  static double[] disk(Path dir, long bytes) throws IOException {
    Files.createDirectories(dir);
    Path f = Files.createTempFile(dir, "berth-bench-disk", ".tmp");
    try {
      ByteBuffer buf = random(ByteBuffer.allocateDirect(1 << 20), 2);
      long t0 = System.nanoTime();
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        writeRepeated(ch, buf, bytes);
        ch.force(true);
      }
      double write = mbps(bytes, System.nanoTime() - t0);
      ByteBuffer rb = ByteBuffer.allocateDirect(1 << 20);
      t0 = System.nanoTime();
      long read;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        read = readThrough(ch, rb);
      }
      double cached = mbps(read, System.nanoTime() - t0);
      double direct = -1;
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
        int align = (int) Files.getFileStore(f).getBlockSize();
        ByteBuffer db = ByteBuffer.allocateDirect((4 << 20) + align).alignedSlice(align);
        t0 = System.nanoTime();
        read = 0;
        int n;
        while ((n = ch.read(db.clear())) > 0) read += n;
        direct = mbps(read, System.nanoTime() - t0);
      } catch (IOException | UnsupportedOperationException e) {
        direct = -1;
      }
      return new double[] {write, cached, direct, directWrite(dir, bytes)};
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /**
   * Sequential write of {@code bytes} with O_DIRECT in 1 MiB writes, then fsync, MB/s (-1 when
   * the file system refuses O_DIRECT). berth's filesystem driver writes upload blocks this way:
   * no page-cache copy, so this figure does not depend on whether the page cache's pages are
   * fresh or recycled, which moves the buffered figure by a factor of two or more on a VM.
   */
  static double directWrite(Path dir, long bytes) throws IOException {
    Path f = Files.createTempFile(dir, "berth-bench-direct", ".tmp");
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      int align = (int) Files.getFileStore(f).getBlockSize();
      ByteBuffer buf = random(ByteBuffer.allocateDirect((1 << 20) + align).alignedSlice(align).limit(1 << 20).slice(), 3);
      long t0 = System.nanoTime();
      long done = 0;
      while (done < bytes) {
        buf.rewind();
        while (buf.hasRemaining()) done += ch.write(buf, done);
      }
      ch.force(true);
      return mbps(done, System.nanoTime() - t0);
    } catch (IOException | UnsupportedOperationException e) {
      return -1;
    } finally {
      Files.deleteIfExists(f);
    }
  }

  /** One TCP connection over loopback inside this process, 1 MiB writes and reads, MB/s. */
  static double loopback(long bytes) throws Exception {
    return overLoopback(c -> {
      ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
      long sent = 0;
      while (sent < bytes) {
        b.clear();
        while (b.hasRemaining()) sent += c.write(b);
      }
    });
  }

  /**
   * A file of {@code bytes} in the page cache sent over one loopback TCP connection, MB/s: {read
   * into a 512 KiB buffer and write it (what berth does for a blob GET), sendfile ({@link
   * FileChannel#transferTo})}. Unlike {@link #loopback}, which sends from memory, this includes
   * reading the file, so it is the bound for a pull served from the page cache.
   */
  static double[] fileOverLoopback(Path dir, long bytes) throws Exception {
    Files.createDirectories(dir);
    Path f = Files.createTempFile(dir, "berth-bench-serve", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
        writeRepeated(ch, random(ByteBuffer.allocateDirect(1 << 20), 4), bytes);
      }
      try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
        // once through, so that both figures read from the page cache
        readThrough(ch, ByteBuffer.allocateDirect(1 << 20));
        double copied = overLoopback(c -> {
          ByteBuffer buf = ByteBuffer.allocateDirect(512 << 10);
          long size = ch.size();
          for (long pos = 0; pos < size; ) {
            buf.clear();
            pos += ch.read(buf, pos);
            buf.flip();
            while (buf.hasRemaining()) c.write(buf);
          }
        });
        double sendfile = overLoopback(c -> {
          long size = ch.size();
          for (long pos = 0; pos < size; ) pos += ch.transferTo(pos, size - pos, c);
        });
        return new double[] {copied, sendfile};
      }
    } finally {
      Files.deleteIfExists(f);
    }
  }

  private interface Sender {
    void send(SocketChannel c) throws IOException;
  }

  /** MB/s of what {@code sender} writes to one loopback connection, read by another thread. */
  private static double overLoopback(Sender sender) throws Exception {
    try (ServerSocketChannel ss = ServerSocketChannel.open()) {
      ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
        try (SocketChannel c = ss.accept()) {
          ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
          long got = 0;
          int n;
          while ((n = c.read(b.clear())) > 0) got += n;
          return got;
        } catch (IOException e) {
          throw new RuntimeException(e);
        }
      }, r -> Thread.ofPlatform().start(r));
      long t0;
      try (SocketChannel c = SocketChannel.open(ss.getLocalAddress())) {
        t0 = System.nanoTime();
        sender.send(c);
      }
      long got = reader.get();
      return mbps(got, System.nanoTime() - t0);
    }
  }

  /** {@code buf} filled with random bytes from {@code seed}, ready to write. */
  private static ByteBuffer random(ByteBuffer buf, int seed) {
    byte[] rnd = new byte[buf.remaining()];
    new SplittableRandom(seed).nextBytes(rnd);
    return buf.put(rnd).flip();
  }

  /** Writes {@code block} again and again at the channel's position until {@code bytes} are written. */
  private static void writeRepeated(FileChannel ch, ByteBuffer block, long bytes) throws IOException {
    for (long done = 0; done < bytes; ) {
      block.rewind();
      while (block.hasRemaining()) done += ch.write(block);
    }
  }

  /** Reads the channel from its position to the end through {@code b}; returns the bytes read. */
  private static long readThrough(FileChannel ch, ByteBuffer b) throws IOException {
    long read = 0;
    int n;
    while ((n = ch.read(b.clear())) > 0) read += n;
    return read;
  }

  static double mbps(long bytes, long nanos) {
    return bytes / 1e6 / (nanos / 1e9);
  }
}
