package dev.berth.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit for directory fsyncs. A caller that has just added or removed an entry needs an
 * {@code fsync(dir)} that starts after its change. When one is already running it may have
 * started before the change, so the caller waits for it to end and then for the next one, which
 * a single waiter issues on behalf of every change made meanwhile. Under concurrency (sixteen
 * uploads creating entries in {@code uploads/}) a handful of fsyncs replaces one per caller;
 * alone, a caller pays exactly one fsync, as before.
 *
 * <p>Locks, not {@code synchronized}, so waiting virtual threads do not pin their carriers.
 */
final class DirectorySync {
  private final ConcurrentHashMap<Path, Dir> dirs = new ConcurrentHashMap<>();
  private final Fsync fsync;

  /** The fsync itself; replaceable for tests. */
  @FunctionalInterface
  interface Fsync {
    void force(Path dir) throws IOException;
  }

  DirectorySync() {
    this(DirectorySync::force);
  }

  DirectorySync(Fsync fsync) {
    this.fsync = fsync;
  }

  private static final class Dir {
    final ReentrantLock lock = new ReentrantLock();
    final Condition done = lock.newCondition();
    int users; // guarded by the map's compute
    long requested; // changes that asked for a sync
    long completed; // every change up to this one is durable
    boolean running;
  }

  /** Returns once an fsync of {@code dir} that started after this call has completed. */
  void sync(Path dir) throws IOException {
    Dir d = dirs.compute(dir, (k, v) -> {
      Dir x = v == null ? new Dir() : v;
      x.users++;
      return x;
    });
    try {
      await(dir, d);
    } finally {
      dirs.compute(dir, (k, v) -> --v.users == 0 ? null : v);
    }
  }

  private void await(Path dir, Dir d) throws IOException {
    d.lock.lock();
    try {
      long ticket = ++d.requested;
      while (d.completed < ticket) {
        if (d.running) {
          d.done.awaitUninterruptibly();
          continue;
        }
        d.running = true;
        long covers = d.requested; // every change made before this fsync starts
        IOException failure = null;
        d.lock.unlock();
        try {
          fsync.force(dir);
        } catch (IOException e) {
          failure = e;
        } finally {
          d.lock.lock();
          d.running = false;
          d.done.signalAll();
        }
        if (failure != null) throw failure; // waiters retry with their own fsync
        d.completed = Math.max(d.completed, covers);
      }
    } finally {
      d.lock.unlock();
    }
  }

  static void force(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
