package dev.berth.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.storage.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big aligned direct buffers go to the file with O_DIRECT, everything else through the page
 * cache; either way the object holds exactly the bytes written, in order, whatever the mix, the
 * resume offset, or a concurrent {@link ObjectWriter#writeBack()}.
 */
class FilesystemDriverDirectWriteTest {
  @TempDir Path root;

  private static final int MIB = 1 << 20;

  /** A page-aligned direct buffer holding {@code content[from, from+len)}. */
  private static ByteBuffer aligned(byte[] content, int from, int len) {
    ByteBuffer b = ByteBuffer.allocateDirect(((len + 4095) & ~4095) + 4096).alignedSlice(4096);
    b.put(content, from, len).flip();
    return b;
  }

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(FilesystemDriver d, String path) throws IOException {
    try (InputStream in = d.read(path, 0)) {
      return in.readAllBytes();
    }
  }

  /** How many of this process's descriptors have O_DIRECT (040000 octal) in their flags. */
  private static long openWithODirect() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
      return fds.filter(f -> {
        try {
          for (String line : Files.readAllLines(f)) {
            if (line.startsWith("flags:")) return (Long.parseLong(line.substring(6).trim(), 8) & 040000) != 0;
          }
        } catch (IOException | NumberFormatException e) {
          // closed meanwhile
        }
        return false;
      }).count();
    }
  }

  @Test
  void alignedDirectBuffersUnalignedTailsAndHeapBuffersMixInOrder() throws Exception {
    FilesystemDriver d = new FilesystemDriver(root);
    byte[] content = random(5 * MIB + 12345, 1);
    try (ObjectWriter w = d.writer("blob", 0)) {
      w.write(aligned(content, 0, MIB)); // O_DIRECT
      String fs = Files.getFileStore(root).type();
      if ((fs.equals("ext4") || fs.equals("xfs")) && Files.isDirectory(Path.of("/proc/self/fdinfo"))) {
        assertThat(openWithODirect()).as("an O_DIRECT descriptor is open on " + fs).isPositive();
      }
      w.write(aligned(content, MIB, MIB + 100)); // aligned part O_DIRECT, 100 bytes buffered
      w.write(aligned(content, 2 * MIB + 100, MIB)); // offset unaligned now: buffered
      w.write(ByteBuffer.wrap(content, 3 * MIB + 100, 2 * MIB + 12245)); // heap: buffered
      assertThat(w.size()).isEqualTo(content.length);
      w.commit();
    }
    assertThat(read(d, "blob")).isEqualTo(content);
  }

  @Test
  void resumingAtAlignedAndUnalignedOffsetsKeepsTheBytesAndCloseTruncatesBack() throws Exception {
    FilesystemDriver d = new FilesystemDriver(root);
    byte[] content = random(4 * MIB + 5000, 2);
    try (ObjectWriter w = d.writer("up", 0)) {
      w.write(aligned(content, 0, MIB));
      w.commit();
    }
    try (ObjectWriter w = d.writer("up", MIB)) { // aligned: direct again, then an unaligned end
      w.write(aligned(content, MIB, MIB + 5000));
      w.commit();
    }
    try (ObjectWriter w = d.writer("up", 2 * MIB + 5000)) { // unaligned offset: buffered
      w.write(aligned(content, 2 * MIB + 5000, 2 * MIB));
      w.commit();
    }
    assertThat(read(d, "up")).isEqualTo(content);
    try (ObjectWriter w = d.writer("up", 4 * MIB)) { // resumed at an aligned offset, not committed
      w.write(aligned(random(MIB, 3), 0, MIB));
    }
    assertThat(read(d, "up")).isEqualTo(Arrays.copyOf(content, 4 * MIB));
  }

  @Test
  void writeBackWhileAnotherThreadWritesLosesNothing() throws Exception {
    FilesystemDriver d = new FilesystemDriver(root);
    byte[] content = random(32 * MIB, 4);
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (ObjectWriter w = d.writer("wb", 0)) {
      Future<Integer> syncs = pool.submit(() -> {
        int n = 0;
        while (writing.get()) {
          w.writeBack();
          n++;
        }
        return n;
      });
      for (int off = 0; off < content.length; off += 64 << 10) {
        w.write(ByteBuffer.wrap(content, off, 64 << 10)); // heap: through the page cache
      }
      writing.set(false);
      assertThat(syncs.get()).isPositive();
      w.commit();
      w.writeBack(); // finished: does nothing
    } finally {
      pool.shutdownNow();
    }
    assertThat(read(d, "wb")).isEqualTo(content);
  }

  @Test
  void aFileSystemWithoutODirectGetsBufferedWrites() throws Exception {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "no /dev/shm (tmpfs) here");
    Path dir = Files.createTempDirectory(shm, "berth-direct-test");
    try {
      FilesystemDriver d = new FilesystemDriver(dir);
      byte[] content = random(2 * MIB, 5);
      try (ObjectWriter w = d.writer("t", 0)) {
        w.write(aligned(content, 0, MIB));
        w.write(aligned(content, MIB, MIB));
        w.commit();
      }
      assertThat(read(d, "t")).isEqualTo(content);
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
