package dev.berth.server.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.Digest;
import dev.berth.storage.ObjectWriter;
import dev.berth.storage.fs.FilesystemDriver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline writes and hashes exactly the bytes of the body, in order, whatever the sizes of
 * the buffers it is handed; keeps what arrived before the body failed; and never lets the digest
 * run ahead of what the file holds.
 */
class UploadPipelineTest {
  @TempDir Path root;

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** A body handed out in direct buffers of the given sizes, round robin, failing after {@code failAfter} bytes (or never). */
  private static RequestBody body(byte[] content, int[] sizes, long failAfter) {
    return body(content, sizes, failAfter, false);
  }

  /** The same, declaring its length (Content-Length) when {@code declared}. */
  private static RequestBody body(byte[] content, int[] sizes, long failAfter, boolean declared) {
    RequestBody plain = bodyOf(content, sizes, failAfter);
    return new RequestBody() {
      @Override
      public long forEach(Sink sink) throws IOException {
        return plain.forEach(sink);
      }

      @Override
      public long declaredLength() {
        return declared ? content.length : -1;
      }
    };
  }

  private static RequestBody bodyOf(byte[] content, int[] sizes, long failAfter) {
    return sink -> {
      int at = 0;
      int i = 0;
      ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
      while (at < content.length) {
        if (failAfter >= 0 && at >= failAfter) throw new IOException("client went away");
        int n = (int) Math.min(Math.min(sizes[i++ % sizes.length], content.length - at), failAfter >= 0 ? failAfter - at : Long.MAX_VALUE);
        buf.clear();
        buf.put(content, at, n).flip();
        sink.accept(buf);
        assertThat(buf.hasRemaining()).as("the sink consumes each buffer").isFalse();
        at += n;
      }
      return at;
    };
  }

  private static String sha256(byte[] b, int len) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update(b, 0, len);
    return HexFormat.of().formatHex(md.digest());
  }

  private static String hex(MessageDigest md) {
    return HexFormat.of().formatHex(md.digest());
  }

  @Test
  void everyBufferSizeGivesTheSameFileAndDigest() throws Exception {
    FilesystemDriver driver = new FilesystemDriver(root);
    byte[] content = random(9 * UploadPipeline.BLOCK + 777, 1);
    int[][] shapes = {{8192}, {65536}, {1}, {7, 65536, 3000, 1 << 20}, {1 << 20}};
    for (int s = 0; s < shapes.length; s++) {
      MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
      String path = "uploads/" + s;
      try (ObjectWriter w = driver.writer(path, 0)) {
        long hashed = UploadPipeline.transfer(body(content, shapes[s], -1), md, w);
        assertThat(hashed).isEqualTo(content.length);
        assertThat(w.size()).isEqualTo(content.length);
        w.commit();
      }
      assertThat(hex(md)).as(Arrays.toString(shapes[s])).isEqualTo(sha256(content, content.length));
      assertThat(Files.readAllBytes(driver.localFile(path).orElseThrow())).isEqualTo(content);
    }
  }

  @Test
  void smallAndEmptyBodiesAreHandledOnTheRequestThread() throws Exception {
    FilesystemDriver driver = new FilesystemDriver(root);
    for (boolean declared : new boolean[] {false, true}) {
      for (int n : new int[] {0, 1, 4096, UploadPipeline.DIRECT_PATH_MIN - 1, UploadPipeline.DIRECT_PATH_MIN, UploadPipeline.BLOCK - 1,
          UploadPipeline.BLOCK}) {
        byte[] content = random(n, n);
        MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
        String path = "small/" + declared + "/" + n;
        try (ObjectWriter w = driver.writer(path, 0)) {
          assertThat(UploadPipeline.transfer(body(content, new int[] {8192}, -1, declared), md, w)).isEqualTo(n);
          w.commit();
        }
        assertThat(hex(md)).isEqualTo(sha256(content, n));
        assertThat(Files.readAllBytes(driver.localFile(path).orElseThrow())).isEqualTo(content);
      }
    }
  }

  @Test
  void aSmallDeclaredBodyKeepsWhatArrivedBeforeItFailed() throws Exception {
    FilesystemDriver driver = new FilesystemDriver(root);
    byte[] content = random(100_000, 5);
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    try (ObjectWriter w = driver.writer("small-cut", 0)) {
      assertThatThrownBy(() -> UploadPipeline.transfer(body(content, new int[] {8192}, 40_000, true), md, w))
          .isInstanceOfSatisfying(UploadPipeline.Failed.class, f -> assertThat(f.hashed).isEqualTo(40_000));
      assertThat(w.size()).isEqualTo(40_000);
      w.commit();
    }
    assertThat(hex(md)).isEqualTo(sha256(content, 40_000));
  }

  @Test
  void whatArrivedBeforeTheBodyFailedIsWrittenAndHashed() throws Exception {
    FilesystemDriver driver = new FilesystemDriver(root);
    byte[] content = random(5 * UploadPipeline.BLOCK, 2);
    int arrived = 3 * UploadPipeline.BLOCK + 12345;
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    try (ObjectWriter w = driver.writer("cut", 0)) {
      assertThatThrownBy(() -> UploadPipeline.transfer(body(content, new int[] {65536}, arrived), md, w))
          .isInstanceOfSatisfying(UploadPipeline.Failed.class, f -> {
            assertThat(f.hashed).isEqualTo(arrived);
            assertThat(f.io()).hasMessage("client went away");
          });
      assertThat(w.size()).isEqualTo(arrived);
      w.commit();
    }
    assertThat(hex(md)).isEqualTo(sha256(content, arrived));
    assertThat(Files.readAllBytes(driver.localFile("cut").orElseThrow())).isEqualTo(Arrays.copyOf(content, arrived));
  }

  @Test
  void aFailedWriteStopsHashingSoTheDigestNeverRunsAheadOfTheFile() throws Exception {
    byte[] content = random(8 * UploadPipeline.BLOCK, 3);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    long failAt = 3L * UploadPipeline.BLOCK;
    ObjectWriter disk = new ObjectWriter() {
      long size;

      @Override
      public void write(ByteBuffer buf) throws IOException {
        if (size >= failAt) throw new IOException("No space left on device");
        byte[] b = new byte[buf.remaining()];
        buf.get(b);
        file.write(b, 0, b.length);
        size += b.length;
      }

      @Override
      public long size() {
        return size;
      }

      @Override
      public void commit() {}

      @Override
      public void cancel() {}

      @Override
      public void close() {}
    };
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    assertThatThrownBy(() -> UploadPipeline.transfer(body(content, new int[] {65536}, -1), md, disk))
        .isInstanceOfSatisfying(UploadPipeline.Failed.class, f -> {
          assertThat(f.io()).hasMessageContaining("No space left");
          assertThat(f.hashed).isLessThanOrEqualTo(disk.size());
        });
    assertThat(disk.size()).isEqualTo(failAt);
  }
}
