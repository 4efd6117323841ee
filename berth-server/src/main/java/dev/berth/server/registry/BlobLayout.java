package dev.berth.server.registry;

import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.ObjectWriter;
import dev.berth.storage.StorageDriver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version of the blob layout in storage, and the one-time move from the layout 1 of earlier berth
 * builds ({@code blobs/<alg>/<xx>/<hex>/data}) to the current one ({@code
 * blobs/<alg>/<xx>/<hex>}, see docs/storage-layout.md).
 *
 * <p>The directory per blob cost one more flush of the disk for every new blob (the directory's
 * creation made durable in its parent) and a mkdir. The server calls {@link #ensureCurrent} before
 * it serves: it reads one small object ({@value #MARKER}) and, only when that is missing, walks
 * {@code blobs/} and moves every blob of the old layout. Each move is atomic and the walk can be
 * interrupted at any point: a blob is either still at its old path, at {@code <hex>.moving}, or
 * at its new path, and the next start finishes the job. The marker is written last.
 */
public final class BlobLayout {
  private static final Logger LOG = LoggerFactory.getLogger(BlobLayout.class);

  /** Storage object that records the layout version. */
  public static final String MARKER = "layout-version";

  /** The layout this berth reads and writes. */
  public static final int CURRENT = 2;

  /** Suffix of a blob halfway between the two layouts. */
  static final String MOVING = ".moving";

  private static final String LEGACY_FILE = "data";
  private static final int PAGE = 1000;
  private static final int PARALLEL = 16;

  private BlobLayout() {}

  /**
   * Makes storage use the current layout, moving blobs of the old one. Cheap when storage is
   * already current (one read).
   *
   * @throws IOException when storage holds a newer layout than this berth knows, or a move fails
   */
  public static void ensureCurrent(StorageDriver driver) throws IOException {
    int found = version(driver);
    if (found == CURRENT) return;
    if (found > CURRENT) {
      throw new IOException("the storage holds blob layout " + found + ", which this berth (layout " + CURRENT
          + ") cannot read; run the berth version that wrote it, or a newer one");
    }
    if (!driver.list("blobs", null, 1).entries().isEmpty()) {
      long t0 = System.nanoTime();
      LOG.info("storage: moving blobs to the layout without a directory per blob (once; an interrupted move resumes at the next start)");
      long moved = migrate(driver);
      LOG.info("storage: {} blob(s) moved to the current layout in {} ms", moved, (System.nanoTime() - t0) / 1_000_000);
    }
    try (ObjectWriter w = driver.writer(MARKER, 0)) {
      w.write(ByteBuffer.wrap((CURRENT + "\n").getBytes(StandardCharsets.US_ASCII)));
      w.commit();
    }
  }

  /** The layout version recorded in storage; 1 (the layout before the marker existed) when none is. */
  static int version(StorageDriver driver) throws IOException {
    String text;
    try (InputStream in = driver.read(MARKER, 0)) {
      text = new String(in.readNBytes(64), StandardCharsets.US_ASCII).strip();
    } catch (ObjectNotFoundException e) {
      return 1;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IOException("storage object " + MARKER + " should hold the blob layout version (a number), not \"" + text
          + "\"; restore it (this berth writes " + CURRENT + ")");
    }
  }

  private static long migrate(StorageDriver driver) throws IOException {
    AtomicLong moved = new AtomicLong();
    try (ExecutorService pool = Executors.newFixedThreadPool(PARALLEL, Thread.ofVirtual().name("berth-layout-", 0).factory())) {
      for (String alg : all(driver, "blobs")) {
        for (String prefix : all(driver, alg)) {
          List<Future<?>> work = new ArrayList<>();
          // one task per blob: "<hex>" and "<hex>.moving" are two entries of one blob
          Set<String> names = new TreeSet<>();
          for (String entry : all(driver, prefix)) {
            names.add(entry.endsWith(MOVING) ? entry.substring(0, entry.length() - MOVING.length()) : entry);
          }
          for (String name : names) {
            work.add(pool.submit(() -> {
              try {
                if (moveOne(driver, name)) moved.incrementAndGet();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }));
          }
          for (Future<?> f : work) {
            try {
              f.get();
            } catch (ExecutionException e) {
              Throwable c = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
              throw new IOException("storage: moving blobs to the current layout failed after " + moved.get()
                  + " blob(s) (the next start resumes): " + c, c);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("storage: interrupted while moving blobs to the current layout", e);
            }
          }
        }
      }
    }
    return moved.get();
  }

  /**
   * Moves one blob of {@code blobs/<alg>/<xx>/} to the current layout: {@code <hex>/data} goes to
   * {@code <hex>.moving} (which removes the then empty {@code <hex>/}), then to {@code <hex>}.
   * Finishes a blob an earlier start left at {@code <hex>.moving}. Only one call per blob at a
   * time.
   *
   * @param blob {@code blobs/<alg>/<xx>/<hex>}
   * @return whether a blob was moved
   */
  static boolean moveOne(StorageDriver driver, String blob) throws IOException {
    String moving = blob + MOVING;
    Optional<ObjectInfo> at = driver.stat(blob);
    boolean directory = at.isPresent() && at.get().directory();
    if (directory) {
      if (driver.stat(blob + "/" + LEGACY_FILE).isPresent()) {
        driver.move(blob + "/" + LEGACY_FILE, moving);
      }
      // emptied (a driver that does not prune), or holding only what an interrupted write left
      // (temporary files): either way it would stand in the way of the blob. Looked at again
      // right before the delete: another server moving the same directory may have put the blob
      // there meanwhile.
      Optional<ObjectInfo> still = driver.stat(blob);
      if (still.isPresent() && still.get().directory()) driver.delete(blob);
    }
    Optional<ObjectInfo> half = driver.stat(moving);
    if (half.isEmpty() || half.get().directory()) return false;
    driver.move(moving, blob);
    return true;
  }

  private static List<String> all(StorageDriver driver, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    String cont = null;
    do {
      ListPage page = driver.list(prefix, cont, PAGE);
      out.addAll(page.entries());
      cont = page.continuation();
    } while (cont != null);
    return out;
  }
}
