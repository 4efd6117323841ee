package dev.berth.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {
  @TempDir Path dir;

  @Test
  void changesMadeWhileAnFsyncRunsShareTheNextOne() throws Exception {
    AtomicInteger fsyncs = new AtomicInteger();
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    DirectorySync sync = new DirectorySync(d -> {
      if (fsyncs.incrementAndGet() == 1) {
        firstStarted.countDown();
        await(releaseFirst);
      }
      DirectorySync.force(d);
    });
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<?> first = pool.submit(() -> { sync.sync(dir); return null; });
      assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
      // ten changes arrive while the first fsync runs: it may have started before them
      List<Future<?>> later = new ArrayList<>();
      for (int i = 0; i < 10; i++) later.add(pool.submit(() -> { sync.sync(dir); return null; }));
      Thread.sleep(200);
      assertThat(later).noneMatch(Future::isDone);
      releaseFirst.countDown();
      first.get(10, TimeUnit.SECONDS);
      for (Future<?> f : later) f.get(10, TimeUnit.SECONDS);
    }
    assertThat(fsyncs).hasValue(2); // one more fsync covered all ten
  }

  @Test
  void aLoneCallerPaysExactlyOneFsync() throws Exception {
    AtomicInteger fsyncs = new AtomicInteger();
    DirectorySync sync = new DirectorySync(d -> fsyncs.incrementAndGet());
    for (int i = 0; i < 5; i++) sync.sync(dir);
    assertThat(fsyncs).hasValue(5);
  }

  @Test
  void aFailedFsyncFailsItsCallerAndTheNextCallerTriesAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DirectorySync sync = new DirectorySync(d -> {
      if (calls.incrementAndGet() == 1) throw new IOException("EIO");
    });
    assertThatThrownBy(() -> sync.sync(dir)).isInstanceOf(IOException.class).hasMessage("EIO");
    sync.sync(dir);
    assertThat(calls).hasValue(2);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
