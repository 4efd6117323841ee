package dev.berth.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.ObjectWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What only the filesystem driver can be asked: temporary files, crashes, local files. */
class FilesystemDriverInternalsTest {
  @TempDir Path root;
  FilesystemDriver driver;

  @BeforeEach
  void open() throws IOException {
    driver = new FilesystemDriver(root);
  }

  @Test
  void noTemporaryFileOutlivesCommitCancelOrClose() throws Exception {
    try (ObjectWriter w = driver.writer("a/committed", 0)) {
      w.write(ByteBuffer.wrap(bytes(1000)));
      assertThat(tempFiles()).as("while writing").hasSize(1);
      w.commit();
    }
    assertThat(tempFiles()).as("after commit").isEmpty();
    try (ObjectWriter w = driver.writer("a/cancelled", 0)) {
      w.write(ByteBuffer.wrap(bytes(1000)));
      w.cancel();
    }
    assertThat(tempFiles()).as("after cancel").isEmpty();
    try (ObjectWriter w = driver.writer("b/closed", 0)) {
      w.write(ByteBuffer.wrap(bytes(1000)));
    }
    assertThat(tempFiles()).as("after close without commit").isEmpty();
    assertThat(Files.exists(root.resolve("b"))).as("the directory made for the writer is pruned").isFalse();
    assertThat(onDisk()).containsExactlyInAnyOrder("a", "a/committed");
  }

  @Test
  void failedCommitRemovesItsTemporaryFile() throws Exception {
    write("x/y", bytes(10)); // "x" is a prefix, so an object cannot be renamed onto it
    ObjectWriter w = driver.writer("x", 0);
    w.write(ByteBuffer.wrap(bytes(10)));
    assertThatThrownBy(w::commit).isInstanceOf(IOException.class);
    w.close();
    assertThat(tempFiles()).isEmpty();
    assertThat(driver.read("x/y", 0).readAllBytes()).hasSize(10);
  }

  @Test
  void crashBeforeCommitLeavesNoObjectForTheNextProcess() throws Exception {
    byte[] previous = bytes(5000);
    write("blobs/ab/data", previous);
    ObjectWriter replacing = driver.writer("blobs/ab/data", 0);
    replacing.write(ByteBuffer.wrap(bytes(100_000)));
    ObjectWriter creating = driver.writer("blobs/cd/data", 0);
    creating.write(ByteBuffer.wrap(bytes(100_000)));
    // the process dies here: neither writer is committed or closed

    FilesystemDriver next = new FilesystemDriver(root);
    assertThat(next.read("blobs/ab/data", 0).readAllBytes()).as("the previous object, whole").isEqualTo(previous);
    assertThat(next.stat("blobs/cd/data")).isEmpty();
    assertThatThrownBy(() -> next.read("blobs/cd/data", 0)).isInstanceOf(ObjectNotFoundException.class);
    assertThat(next.localFile("blobs/cd/data")).isEmpty();
    assertThat(next.list("blobs/ab", null, 10).entries()).containsExactly("blobs/ab/data");
    assertThat(next.list("blobs/cd", null, 10).entries()).as("temporary files are not listed").isEmpty();

    List<Path> orphans = tempFiles();
    assertThat(orphans).hasSize(2);
    assertThat(next.sweepTempFiles(Duration.ofHours(1))).as("young temporary files are kept").isZero();
    for (Path orphan : orphans) Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    assertThat(next.sweepTempFiles(Duration.ofHours(1))).isEqualTo(2);
    assertThat(onDisk()).containsExactlyInAnyOrder("blobs", "blobs/ab", "blobs/ab/data");

    replacing.close(); // only releases the descriptors of the "dead" process
    creating.close();
    assertThat(onDisk()).containsExactlyInAnyOrder("blobs", "blobs/ab", "blobs/ab/data");
  }

  @Test
  void crashDuringAResumedChunkIsRepairedByResumingAtTheAcknowledgedOffset() throws Exception {
    byte[] acknowledged = bytes(1000);
    write("uploads/u/data", acknowledged);
    ObjectWriter chunk = driver.writer("uploads/u/data", 1000);
    chunk.write(ByteBuffer.wrap(bytes(700)));
    // the process dies here: the bytes went to the file in place, but were never acknowledged

    FilesystemDriver next = new FilesystemDriver(root);
    byte[] retried = bytes(300);
    try (ObjectWriter w = next.writer("uploads/u/data", 1000)) {
      w.write(ByteBuffer.wrap(retried));
      w.commit();
    }
    byte[] want = new byte[1300];
    System.arraycopy(acknowledged, 0, want, 0, 1000);
    System.arraycopy(retried, 0, want, 1000, 300);
    assertThat(next.read("uploads/u/data", 0).readAllBytes()).isEqualTo(want);
  }

  @Test
  void localFileIsTheCommittedFile() throws Exception {
    byte[] content = bytes(4096);
    write("blobs/ef/data", content);
    assertThat(driver.localFile("blobs/ef/data")).hasValueSatisfying(p -> {
      assertThat(p).isEqualTo(root.toAbsolutePath().resolve("blobs/ef/data"));
      assertThat(p).hasBinaryContent(content);
    });
    assertThat(driver.localFile("blobs/ef")).as("a prefix").isEmpty();
    assertThat(driver.localFile("blobs/none")).isEmpty();
    assertThatThrownBy(() -> driver.localFile("../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void largeHeapBufferIsWrittenWholeAndKeepsItsLimit() throws Exception {
    byte[] backing = bytes(3 * FilesystemDriver.MAX_HEAP_WRITE + 12_345);
    ByteBuffer buf = ByteBuffer.wrap(backing, 100, backing.length - 200);
    int limit = buf.limit();
    try (ObjectWriter w = driver.writer("big", 0)) {
      w.write(buf);
      assertThat(buf.position()).isEqualTo(limit);
      assertThat(buf.limit()).isEqualTo(limit);
      w.commit();
    }
    assertThat(Files.size(root.resolve("big"))).isEqualTo(backing.length - 200);
    try (InputStream in = driver.read("big", 0)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(backing, 100, backing.length - 100));
    }
  }

  @Test
  void writingAllocatesNothingPerCall() throws Exception {
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    ByteBuffer direct = ByteBuffer.allocateDirect(8192);
    byte[] array = new byte[8192];
    try (ObjectWriter w = driver.writer("alloc", 0)) {
      OutputStream out = w.asOutputStream();
      for (int i = 0; i < 20_000; i++) { // warm up: JIT, the JDK's temporary buffer cache
        w.write(direct.clear().limit(64));
        w.write(ByteBuffer.wrap(array, 0, 64));
        out.write(array, 0, 64);
      }
      int calls = 5000;
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < calls; i++) {
        w.write(direct.clear().limit(64));
        out.write(array, i % 64, 64);
        out.write(i);
      }
      long perCall = (threads.getCurrentThreadAllocatedBytes() - before) / (3L * calls);
      assertThat(perCall).as("bytes allocated per write call").isLessThan(8);
      w.cancel();
    }
  }

  @Test
  void aRootThatIsAFileIsRefused() throws Exception {
    Path file = Files.writeString(root.resolve("file"), "x");
    assertThatThrownBy(() -> new FilesystemDriver(file)).isInstanceOf(IOException.class);
  }

  private void write(String path, byte[] content) throws IOException {
    try (ObjectWriter w = driver.writer(path, 0)) {
      w.write(ByteBuffer.wrap(content));
      w.commit();
    }
  }

  private List<Path> tempFiles() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> FilesystemDriver.isTempName(p.getFileName().toString())).toList();
    }
  }

  private List<String> onDisk() throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString().replace('\\', '/')).toList();
    }
  }

  private static byte[] bytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
