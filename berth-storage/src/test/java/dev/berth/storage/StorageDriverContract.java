package dev.berth.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link StorageDriver} must have, run against each driver by a subclass that
 * only says how to make one (like distribution's {@code testsuites}):
 *
 * <pre>
 * class FilesystemDriverTest extends StorageDriverContract {
 *   &#64;TempDir Path root;
 *   &#64;Override protected StorageDriver newDriver() throws Exception { return new FilesystemDriver(root); }
 * }
 * </pre>
 *
 * <p>The driver must start empty, and every test removes what it stored; after each test the
 * suite walks the driver and fails, naming the offending files, if anything is left, so a
 * driver that leaks directories, temporary objects or parts is caught.
 *
 * <p>Semantics pinned here beyond the SPI's signatures: reading at or past the end gives an empty
 * stream; listing a missing prefix gives an empty last page; after {@code commit()} or {@code
 * cancel()} a writer refuses {@code write} and {@code commit} with {@link IllegalStateException}
 * and {@code close()} does nothing; cancelling a {@code writer(path, 0)} leaves a previous object
 * at the path untouched, while cancelling a resumed writer removes the object.
 */
public abstract class StorageDriverContract {

  /** One random megabyte per JVM, the source of large contents (distribution's randomBytes). */
  private static final byte[] RANDOM = new byte[1 << 20];

  static {
    new Random(0xbe27L).nextBytes(RANDOM);
  }

  /** The driver under test, fresh and empty for each test. */
  protected StorageDriver driver;

  /** A random top-level prefix under which a test keeps its objects. */
  private String base;

  /** Makes a driver over empty storage. Called before each test; closed after it. */
  protected abstract StorageDriver newDriver() throws Exception;

  @BeforeEach
  void openDriver() throws Exception {
    driver = newDriver();
    assertThat(walk("")).as("the storage a %s driver starts with", driver.name()).isEmpty();
    base = "contract-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36);
  }

  @AfterEach
  void driverLeftNothingBehind() throws Exception {
    if (driver == null) return;
    try {
      List<String> left = walk("");
      if (!left.isEmpty()) {
        for (String top : listAll("")) driver.delete(top); // do not let one failure cascade
        fail("%s driver did not clean up properly. Offending files: %s", driver.name(), left);
      }
    } finally {
      driver.close();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // write, commit, read

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 1023, 4096, 65_537, (1 << 20) + 1})
  void writtenContentReadsBackAfterCommit(int size) throws Exception {
    String p = path("blobs/object");
    byte[] content = randomBytes(size);
    try (ObjectWriter w = driver.writer(p, 0)) {
      // uneven pieces, so drivers that buffer see writes straddling their boundaries
      int a = size / 3;
      int b = size / 2;
      w.write(ByteBuffer.wrap(content, 0, a));
      w.write(ByteBuffer.wrap(content, a, b - a));
      w.write(ByteBuffer.wrap(content, b, size - b));
      assertThat(w.size()).isEqualTo(size);
      w.commit();
    }
    assertThat(get(p)).isEqualTo(content);
    assertThat(driver.stat(p)).hasValueSatisfying(info -> {
      assertThat(info.size()).isEqualTo(size);
      assertThat(info.directory()).isFalse();
    });
    driver.delete(p);
  }

  @Test
  void emptyObjectExistsAfterCommit() throws Exception {
    String p = path("empty");
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.commit();
    }
    assertThat(driver.stat(p)).hasValueSatisfying(info -> assertThat(info.size()).isZero());
    assertThat(get(p)).isEmpty();
    driver.delete(p);
  }

  @Test
  void largeObjectStreamsThroughInBothDirections() throws Exception {
    String p = path("large/data");
    int chunk = 1 << 20;
    int chunks = 64;
    long total = (long) chunk * chunks;
    MessageDigest written = sha256();
    ByteBuffer buf = ByteBuffer.allocate(chunk); // one buffer, reused: how the server streams
    try (ObjectWriter w = driver.writer(p, 0)) {
      for (int i = 0; i < chunks; i++) {
        fillChunk(buf.array(), i);
        written.update(buf.array());
        buf.clear();
        w.write(buf);
        assertThat(buf.hasRemaining()).as("write consumes the whole buffer").isFalse();
      }
      assertThat(w.size()).isEqualTo(total);
      w.commit();
    }
    assertThat(driver.stat(p)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(total));

    MessageDigest read = sha256();
    long n = 0;
    try (InputStream in = driver.read(p, 0)) {
      byte[] b = new byte[1 << 17];
      for (int r; (r = in.read(b)) > 0; n += r) read.update(b, 0, r);
    }
    assertThat(n).isEqualTo(total);
    assertThat(read.digest()).as("sha256 of what was read").isEqualTo(written.digest());

    long middle = 40L * chunk + 12_345;
    try (InputStream in = driver.read(p, middle)) {
      byte[] got = in.readNBytes(4096);
      byte[] want = new byte[4096];
      for (int i = 0; i < want.length; i++) want[i] = largeByte(middle + i, chunk);
      assertThat(got).isEqualTo(want);
    }
    driver.delete(p);
  }

  @Test
  void outputStreamViewWritesTheSameBytes() throws Exception {
    String p = path("stream");
    byte[] content = randomBytes(10_000);
    try (ObjectWriter w = driver.writer(p, 0)) {
      OutputStream out = w.asOutputStream();
      out.write(content[0]);
      out.write(content, 1, 4999);
      out.write(content, 5000, 5000);
      out.close(); // closing the view does not commit
      assertThat(driver.stat(p)).isEmpty();
      assertThat(w.size()).isEqualTo(content.length);
      w.commit();
    }
    assertThat(get(p)).isEqualTo(content);
    driver.delete(p);
  }

  @Test
  void readStartsAtTheOffset() throws Exception {
    String p = path("offsets");
    byte[] content = randomBytes(10_000);
    put(p, content);
    for (int offset : new int[] {0, 1, 4095, 4096, 9_999}) {
      try (InputStream in = driver.read(p, offset)) {
        assertThat(in.readAllBytes()).as("from offset %d", offset).isEqualTo(Arrays.copyOfRange(content, offset, content.length));
      }
    }
    for (long offset : new long[] {10_000, 10_001, 1L << 40}) {
      try (InputStream in = driver.read(p, offset)) {
        assertThat(in.readAllBytes()).as("at or past the end, offset %d", offset).isEmpty();
      }
    }
    assertThatThrownBy(() -> driver.read(p, -1)).isInstanceOf(IllegalArgumentException.class);
    driver.delete(p);
  }

  @Test
  void readOfMissingObjectThrowsObjectNotFound() throws Exception {
    assertThatThrownBy(() -> driver.read(path("nothing/here"), 0))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(path("nothing/here"));
    put(path("dir/file"), randomBytes(10));
    assertThatThrownBy(() -> driver.read(path("dir"), 0)).as("a prefix is not an object").isInstanceOf(ObjectNotFoundException.class);
    assertThatThrownBy(() -> driver.read(path("dir/file/below"), 0)).isInstanceOf(ObjectNotFoundException.class);
    driver.delete(path("dir"));
  }

  @Test
  void statDescribesObjectsAndPrefixes() throws Exception {
    assertThat(driver.stat(path("missing"))).isEmpty();
    Instant before = Instant.now().minusSeconds(2);
    put(path("a/b/object"), randomBytes(1234));
    Instant after = Instant.now().plusSeconds(2);

    assertThat(driver.stat(path("a/b/object"))).hasValueSatisfying(info -> {
      assertThat(info.path()).isEqualTo(path("a/b/object"));
      assertThat(info.size()).isEqualTo(1234);
      assertThat(info.directory()).isFalse();
      assertThat(info.modified()).isBetween(before, after);
    });
    assertThat(driver.stat(path("a/b"))).hasValueSatisfying(info -> assertThat(info.directory()).isTrue());
    assertThat(driver.stat(path("a/b/object/below"))).isEmpty();
    driver.delete(path("a"));
    assertThat(driver.stat(path("a/b"))).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // visibility, cancel, writer lifecycle

  @Test
  void uncommittedObjectIsNeverVisible() throws Exception {
    String p = path("uploads/u1/data");
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.write(ByteBuffer.wrap(randomBytes(5000)));
      assertThat(driver.stat(p)).as("before commit").isEmpty();
      assertThatThrownBy(() -> driver.read(p, 0)).isInstanceOf(ObjectNotFoundException.class);
      assertThat(listAll(path("uploads/u1"))).isEmpty();
    }
    assertThat(driver.stat(p)).as("after close without commit").isEmpty();
    assertThatThrownBy(() -> driver.read(p, 0)).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void uncommittedReplacementKeepsThePreviousObject() throws Exception {
    String p = path("replace");
    byte[] old = randomBytes(3000);
    byte[] fresh = randomBytes(2000);
    put(p, old);
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.write(ByteBuffer.wrap(fresh));
      assertThat(get(p)).as("until commit, the previous object").isEqualTo(old);
    }
    assertThat(get(p)).as("after close without commit").isEqualTo(old);
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.write(ByteBuffer.wrap(fresh));
      w.commit();
    }
    assertThat(get(p)).as("after commit, the new object").isEqualTo(fresh);
    driver.delete(p);
  }

  @Test
  void cancelDiscardsTheObject() throws Exception {
    String p = path("cancelled/data");
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.write(ByteBuffer.wrap(randomBytes(5000)));
      w.cancel();
    }
    assertThat(driver.stat(p)).isEmpty();

    byte[] old = randomBytes(100);
    put(p, old);
    try (ObjectWriter w = driver.writer(p, 0)) {
      w.write(ByteBuffer.wrap(randomBytes(50)));
      w.cancel();
    }
    assertThat(get(p)).as("cancelling a new writer leaves the previous object").isEqualTo(old);

    try (ObjectWriter w = driver.writer(p, 100)) {
      w.write(ByteBuffer.wrap(randomBytes(50)));
      w.cancel();
    }
    assertThat(driver.stat(p)).as("cancelling a resumed writer removes the object").isEmpty();
  }

  @Test
  void writerIsFinishedAfterCommitOrCancel() throws Exception {
    String p = path("finished");
    ObjectWriter w = driver.writer(p, 0);
    w.write(ByteBuffer.wrap(randomBytes(10)));
    w.commit();
    assertThatThrownBy(() -> w.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(w::commit).isInstanceOf(IllegalStateException.class);
    assertThat(w.size()).isEqualTo(10);
    w.close();
    w.close();
    assertThat(driver.stat(p)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(10));

    ObjectWriter c = driver.writer(path("finished-too"), 0);
    c.cancel();
    assertThatThrownBy(() -> c.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(c::commit).isInstanceOf(IllegalStateException.class);
    c.close();
    driver.delete(p);
  }

  // ---------------------------------------------------------------------------------------------
  // resume

  @Test
  void resumeAppendsAfterTheCommittedBytes() throws Exception {
    String p = path("uploads/u2/data");
    byte[] first = randomBytes(100);
    byte[] second = randomBytes(50);
    byte[] third = randomBytes(25);
    put(p, first);
    try (ObjectWriter w = driver.writer(p, 100)) {
      assertThat(w.size()).isEqualTo(100);
      w.write(ByteBuffer.wrap(second));
      assertThat(w.size()).isEqualTo(150);
      w.commit();
    }
    try (ObjectWriter w = driver.writer(p, 150)) {
      w.write(ByteBuffer.wrap(third));
      w.commit();
    }
    assertThat(get(p)).isEqualTo(concat(first, second, third));
    assertThat(driver.stat(p)).hasValueSatisfying(info -> assertThat(info.size()).isEqualTo(175));

    try (ObjectWriter w = driver.writer(p, 175)) {
      w.commit(); // resuming with nothing to add changes nothing
    }
    assertThat(get(p)).isEqualTo(concat(first, second, third));
    driver.delete(p);
  }

  @Test
  void resumeDiscardsBytesBeyondTheOffset() throws Exception {
    // a chunk was written past the offset the server acknowledged, then the server crashed
    String p = path("uploads/u3/data");
    byte[] stored = randomBytes(100);
    byte[] retry = randomBytes(10);
    put(p, stored);
    try (ObjectWriter w = driver.writer(p, 60)) {
      assertThat(w.size()).isEqualTo(60);
      w.write(ByteBuffer.wrap(retry));
      w.commit();
    }
    assertThat(get(p)).isEqualTo(concat(Arrays.copyOf(stored, 60), retry));
    driver.delete(p);
  }

  @Test
  void resumePastTheStoredSizeIsRefused() throws Exception {
    String p = path("uploads/u4/data");
    byte[] stored = randomBytes(100);
    put(p, stored);
    assertThatThrownBy(() -> driver.writer(p, 101))
        .isInstanceOfSatisfying(InvalidOffsetException.class, e -> assertThat(e.stored()).isEqualTo(100))
        .hasMessageContaining(p);
    assertThat(get(p)).as("a refused resume changes nothing").isEqualTo(stored);
    assertThatThrownBy(() -> driver.writer(path("uploads/none/data"), 5))
        .isInstanceOfSatisfying(InvalidOffsetException.class, e -> assertThat(e.stored()).isZero());
    assertThatThrownBy(() -> driver.writer(p, -1)).isInstanceOf(IllegalArgumentException.class);
    driver.delete(path("uploads"));
  }

  @Test
  void resumedWriterClosedWithoutCommitKeepsTheCommittedBytes() throws Exception {
    String p = path("uploads/u5/data");
    byte[] stored = randomBytes(100);
    put(p, stored);
    try (ObjectWriter w = driver.writer(p, 100)) {
      w.write(ByteBuffer.wrap(randomBytes(50))); // the client went away mid-chunk
    }
    assertThat(get(p)).isEqualTo(stored);
    byte[] more = randomBytes(20);
    try (ObjectWriter w = driver.writer(p, 100)) {
      w.write(ByteBuffer.wrap(more));
      w.commit();
    }
    assertThat(get(p)).isEqualTo(concat(stored, more));
    driver.delete(p);
  }

  // ---------------------------------------------------------------------------------------------
  // move, delete, list

  @Test
  void moveReplacesTheTargetAndRemovesTheSource() throws Exception {
    String from = path("uploads/u6/data");
    String to = path("blobs/sha256/ab/abcdef/data");
    byte[] content = randomBytes(4000);
    put(from, content);
    put(to, randomBytes(1000));
    driver.move(from, to);
    assertThat(get(to)).isEqualTo(content);
    assertThat(driver.stat(from)).isEmpty();
    assertThat(listAll(path(""))).as("the emptied source prefix is gone").containsExactly(path("blobs"));

    String deeper = path("new/parents/for/this/data");
    driver.move(to, deeper);
    assertThat(get(deeper)).isEqualTo(content);
    assertThatThrownBy(() -> driver.move(path("missing"), path("elsewhere")))
        .isInstanceOf(ObjectNotFoundException.class)
        .hasMessageContaining(path("missing"));
    assertThat(driver.stat(path("elsewhere"))).isEmpty();
    driver.delete(deeper);
  }

  @Test
  void readersNeverSeeATornObjectWhileItIsReplaced() throws Exception {
    String p = path("tags/current");
    List<byte[]> versions = new ArrayList<>();
    for (int i = 0; i < 4; i++) versions.add(randomBytes(64 * 1024 + i * 4096));
    put(p, versions.get(0));
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> readers = new ArrayList<>();
      for (int r = 0; r < 3; r++) {
        readers.add(pool.submit(() -> {
          int reads = 0;
          while (!done.get() || reads == 0) {
            byte[] got = get(p);
            assertThat(versions.stream().anyMatch(v -> Arrays.equals(v, got)))
                .as("read #%d (%d bytes) is one complete version", reads, got.length)
                .isTrue();
            reads++;
          }
          return reads;
        }));
      }
      for (int i = 1; i <= 40; i++) {
        byte[] next = versions.get(i % versions.size());
        if (i % 2 == 0) {
          put(p, next); // replace by commit
        } else {
          String staged = path("staging/" + i);
          put(staged, next);
          driver.move(staged, p); // replace by move
        }
      }
      done.set(true);
      for (Future<Integer> f : readers) assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
    driver.delete(p);
  }

  @Test
  void deleteRemovesAnObjectAndEmptiedPrefixes() throws Exception {
    put(path("a/b/c"), randomBytes(10));
    put(path("a/d"), randomBytes(10));
    driver.delete(path("a/b/c"));
    assertThat(driver.stat(path("a/b/c"))).isEmpty();
    assertThat(listAll(path("a"))).as("the emptied prefix a/b is gone").containsExactly(path("a/d"));
    driver.delete(path("a/d"));
    assertThat(listAll("")).as("prefixes are pruned up to the root").doesNotContain(base);
    assertThatCode(() -> driver.delete(path("a/d"))).as("deleting nothing").doesNotThrowAnyException();
  }

  @Test
  void deleteOfAPrefixRemovesEverythingBelowIt() throws Exception {
    put(path("repo/x/1"), randomBytes(10));
    put(path("repo/x/2"), randomBytes(10));
    put(path("repo/x/deep/3"), randomBytes(10));
    put(path("repo/y"), randomBytes(10));
    put(path("repo-sibling"), randomBytes(10));
    driver.delete(path("repo/x"));
    assertThat(driver.stat(path("repo/x"))).isEmpty();
    assertThat(driver.stat(path("repo/x/deep/3"))).isEmpty();
    assertThat(get(path("repo/y"))).hasSize(10);
    driver.delete(path("repo"));
    assertThat(driver.stat(path("repo/y"))).isEmpty();
    assertThat(listAll(base)).as("deleting a prefix leaves its lexical siblings").containsExactly(path("repo-sibling"));
    driver.delete(base);
    driver.delete(base);
  }

  @Test
  void listPagesThroughDirectChildrenInLexicalOrder() throws Exception {
    List<String> names = new ArrayList<>(List.of(
        "0", "00", "1", "9", "A", "AA", "Ab", "Z", "_", "_a", "a", "a-", "a-b", "a.b", "a_b", "a0",
        "aa", "b", "z", "zz", "-", "-a", ".a", "..a"));
    Collections.shuffle(names, new Random(7));
    String dir = path("list");
    for (String name : names) put(dir + "/" + name, randomBytes(1));
    put(dir + "/sub/inner", randomBytes(1)); // a prefix is a child too, listed once
    List<String> expected = new ArrayList<>();
    for (String name : names) expected.add(dir + "/" + name);
    expected.add(dir + "/sub");
    Collections.sort(expected);
    assertThat(expected).hasSize(25);

    for (int max : new int[] {1, 5, 7, 25, 1000}) {
      List<String> seen = new ArrayList<>();
      String continuation = null;
      int pages = 0;
      do {
        ListPage page = driver.list(dir, continuation, max);
        pages++;
        assertThat(page.entries()).as("page %d with max %d", pages, max).hasSizeLessThanOrEqualTo(max).isNotEmpty();
        seen.addAll(page.entries());
        continuation = page.continuation();
        assertThat(continuation == null).as("continuation is null exactly on the last page (max %d)", max).isEqualTo(seen.size() == expected.size());
        assertThat(pages).isLessThanOrEqualTo(25);
      } while (continuation != null);
      assertThat(seen).as("max %d", max).containsExactlyElementsOf(expected);
      assertThat(pages).isEqualTo((25 + max - 1) / max);
    }

    assertThat(driver.list("", null, 1000).entries()).contains(base);
    assertThat(driver.list(path("list/missing"), null, 10)).isEqualTo(new ListPage(List.of(), null));
    assertThat(driver.list(dir + "/0", null, 10).entries()).as("an object has no children").isEmpty();
    assertThatThrownBy(() -> driver.list(dir, null, 0)).isInstanceOf(IllegalArgumentException.class);
    driver.delete(dir);
  }

  // ---------------------------------------------------------------------------------------------
  // paths

  static Stream<String> invalidPaths() {
    return Stream.of(
        "", "/", "/abs", "a/", "a//b", ".", "..", "a/..", "../a", "a/./b", "a/../../etc",
        "a b", "a\\b", "a:b", "a~b", "a*", "a?b", "caf\u00e9", "a\tb", "a\u0000b",
        "x".repeat(StoragePaths.MAX_COMPONENT + 1), "a/".repeat(StoragePaths.MAX_PATH / 2) + "b");
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @MethodSource("invalidPaths")
  void invalidPathsAreRefusedByEveryOperation(String bad) throws Exception {
    String good = path("good");
    put(good, randomBytes(10));
    List<Callable<?>> ops = new ArrayList<>(List.of(
        () -> driver.stat(bad),
        () -> driver.read(bad, 0),
        () -> driver.writer(bad, 0),
        () -> driver.writer(bad, 10),
        () -> {
          driver.move(bad, good);
          return null;
        },
        () -> {
          driver.move(good, bad);
          return null;
        },
        () -> {
          driver.delete(bad);
          return null;
        }));
    if (!bad.isEmpty()) ops.add(() -> driver.list(bad, null, 10)); // "" lists the root
    boolean printable = bad.length() <= 200 && bad.chars().allMatch(c -> c >= 0x20 && c < 0x7f && c != '"' && c != '\\');
    for (Callable<?> op : ops) {
      var thrown = assertThatThrownBy(op::call).isInstanceOf(IllegalArgumentException.class);
      if (printable) thrown.hasMessageContaining("\"" + bad + "\"");
    }
    assertThat(get(good)).hasSize(10);
    driver.delete(good);
  }

  @ParameterizedTest
  @ValueSource(strings = {".a", "..a", "a..b", "-", "_", "A.B-c_d", "sha256-0a1b"})
  void unusualButValidNamesWork(String name) throws Exception {
    String p = path(name + "/" + name);
    byte[] content = randomBytes(10);
    put(p, content);
    assertThat(get(p)).isEqualTo(content);
    assertThat(listAll(path(name))).containsExactly(p);
    driver.delete(path(name));
  }

  // ---------------------------------------------------------------------------------------------
  // concurrency

  @Test
  @Timeout(60)
  void concurrentWritersToDifferentPaths() throws Exception {
    int threads = 8;
    byte[][] contents = new byte[threads][];
    for (int t = 0; t < threads; t++) contents[t] = randomBytes((1 << 20) + t * 777);
    runConcurrently(threads, t -> {
      // the same new prefixes for everyone: directory creation races too
      try (ObjectWriter w = driver.writer(path("blobs/shared/" + t + "/data"), 0)) {
        byte[] c = contents[t];
        for (int off = 0; off < c.length; off += 64 * 1024) {
          w.write(ByteBuffer.wrap(c, off, Math.min(64 * 1024, c.length - off)));
        }
        w.commit();
      }
    });
    for (int t = 0; t < threads; t++) assertThat(get(path("blobs/shared/" + t + "/data"))).isEqualTo(contents[t]);
    assertThat(listAll(path("blobs/shared"))).hasSize(threads);
    driver.delete(path("blobs"));
  }

  @Test
  @Timeout(60)
  void concurrentWritersToOnePathLeaveOneCompleteObject() throws Exception {
    int threads = 8;
    String p = path("tags/latest");
    byte[][] contents = new byte[threads][];
    for (int t = 0; t < threads; t++) contents[t] = randomBytes(128 * 1024 + t);
    runConcurrently(threads, t -> {
      try (ObjectWriter w = driver.writer(p, 0)) {
        w.write(ByteBuffer.wrap(contents[t]));
        w.commit();
      }
    });
    byte[] got = get(p);
    assertThat(Arrays.stream(contents).anyMatch(c -> Arrays.equals(c, got))).as("the last commit wins, whole").isTrue();
    driver.delete(p);
  }

  @Test
  @Timeout(60)
  void concurrentCreateAndDeleteInOnePrefix() throws Exception {
    // delete prunes empty prefixes while other threads create objects in them
    int threads = 8;
    runConcurrently(threads, t -> {
      for (int i = 0; i < 15; i++) {
        String p = path("churn/dir/" + t);
        put(p, randomBytes(100));
        assertThat(get(p)).hasSize(100);
        if (i % 2 == 0) {
          driver.delete(p);
        } else {
          driver.move(p, path("churn/other/" + t));
          driver.delete(path("churn/other/" + t));
        }
      }
    });
    assertThat(walk(base)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // helpers for this suite and for driver-specific tests

  /** {@code rel} below this test's random top-level prefix; {@code ""} is the prefix itself. */
  protected String path(String rel) {
    return rel.isEmpty() ? base : base + "/" + rel;
  }

  /** Stores {@code content} at {@code path} with a new writer and commits it. */
  protected void put(String path, byte[] content) throws IOException {
    try (ObjectWriter w = driver.writer(path, 0)) {
      w.write(ByteBuffer.wrap(content));
      w.commit();
    }
  }

  /** The whole object at {@code path}. */
  protected byte[] get(String path) throws IOException {
    try (InputStream in = driver.read(path, 0)) {
      return in.readAllBytes();
    }
  }

  protected static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** Every direct child of {@code prefix}, across all pages. */
  protected List<String> listAll(String prefix) throws IOException {
    List<String> all = new ArrayList<>();
    String continuation = null;
    do {
      ListPage page = driver.list(prefix, continuation, 100);
      all.addAll(page.entries());
      continuation = page.continuation();
    } while (continuation != null);
    return all;
  }

  /** Every object below {@code prefix}, and every prefix that holds none (a leak too). */
  protected List<String> walk(String prefix) throws IOException {
    List<String> found = new ArrayList<>();
    for (String child : listAll(prefix)) {
      var info = driver.stat(child);
      if (info.isPresent() && info.get().directory()) {
        List<String> below = walk(child);
        if (below.isEmpty()) found.add(child + "/ (empty prefix)");
        found.addAll(below);
      } else {
        found.add(child);
      }
    }
    return found;
  }

  @FunctionalInterface
  protected interface ThreadTask {
    void run(int thread) throws Exception;
  }

  /** Runs {@code task} on {@code threads} threads released together; rethrows the first failure. */
  protected static void runConcurrently(int threads, ThreadTask task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          start.await();
          task.run(thread);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) f.get(Duration.ofSeconds(50).toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void fillChunk(byte[] chunk, int index) {
    int rotate = (int) ((index * 7919L) % RANDOM.length);
    int tail = RANDOM.length - rotate;
    System.arraycopy(RANDOM, rotate, chunk, 0, Math.min(tail, chunk.length));
    if (tail < chunk.length) System.arraycopy(RANDOM, 0, chunk, tail, chunk.length - tail);
  }

  private static byte largeByte(long position, int chunk) {
    long index = position / chunk;
    long within = position % chunk;
    return RANDOM[(int) ((within + index * 7919L) % RANDOM.length)];
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
