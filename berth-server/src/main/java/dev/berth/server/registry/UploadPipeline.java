package dev.berth.server.registry;

import dev.berth.storage.ObjectWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves one request body into an upload's data file and the session's running digest, on more
 * than one core.
 *
 * <ul>
 *   <li>The request thread gathers Jetty's network buffers into {@value #BLOCK}-byte,
 *       page-aligned direct blocks: one file {@code write} and one digest update per MiB instead
 *       of per network read, and blocks the file system driver may write with O_DIRECT.
 *   <li>Full blocks go through a chain of two stages, each on its own thread: the file write,
 *       then SHA-256 (about 0.6 s of CPU per GiB). Socket reads, the file write and hashing run
 *       in parallel instead of in series on the request thread. At most {@value #DEPTH} blocks
 *       are in flight per upload: memory stays flat whatever the blob size. A body that fits in
 *       one block is written and hashed on the request thread: small blobs pay no hand-off, and
 *       bodies declared smaller than {@value #DIRECT_PATH_MIN} bytes take no block at all.
 *   <li>Every {@link #WRITEBACK} bytes, a background {@link ObjectWriter#writeBack()} asks the
 *       driver to push what went through the page cache to the disk while the body is still
 *       arriving. Linux would otherwise start writing a 1 GiB file only at the final fsync
 *       (background writeback starts at {@code dirty_background_ratio} of memory), so receiving
 *       and the disk write would run one after the other.
 * </ul>
 *
 * <p>Blocks are hashed only after they were written, so the digest never runs ahead of the file.
 * Bytes that arrived before a failed read (client gone) are written and hashed like the others:
 * the session keeps everything that arrived and the client resumes from the acknowledged offset.
 * {@link #transfer} returns only when both stages are done with every block, so the caller may
 * read the digest and the writer, and the blocks can be reused.
 */
final class UploadPipeline {
  static final int BLOCK = 1 << 20;
  /** Blocks in flight per upload: enough to keep both stages busy while the socket is read. */
  static final int DEPTH = 4;
  /** Bytes written through the page cache between two background write-backs. */
  static final long WRITEBACK = 8L << 20;
  private static final int ALIGN = 4096;
  /**
   * Bodies declared smaller than this skip the blocks: a block would buy neither a hand-off nor
   * O_DIRECT (the driver writes buffered below 256 KiB), only a copy.
   */
  static final int DIRECT_PATH_MIN = 256 << 10;

  private static final int POOLED_MAX = 16;
  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOLED = new AtomicInteger();
  private static final ByteBuffer END = ByteBuffer.allocate(0);

  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "berth-upload");
    t.setDaemon(true);
    return t;
  });

  private final MessageDigest md;
  private final ObjectWriter w;
  /** Blocks the last stage is done with. */
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(DEPTH + 1);
  private int blocks; // taken from the pool
  private ByteBuffer cur;
  private Stage first; // the file-writing stage; null until the body outgrows one block
  private Stage hashStage;
  private volatile IOException writeFailure;
  /** A stage's unexpected failure; blocks after it are neither written nor hashed. */
  private volatile Throwable broken;
  private long hashed;
  private Future<?> writeBack;
  private long sinceWriteBack;

  private UploadPipeline(MessageDigest md, ObjectWriter w) {
    this.md = md;
    this.w = w;
  }

  /**
   * Writes every byte of {@code body} to {@code w} and into {@code md}. Returns the number of
   * bytes hashed; when it differs from what {@code w} gained, a write failed part-way and the
   * digest state no longer matches the file. An I/O failure of the body or of the writer comes
   * as {@link Failed}, after everything that arrived was written and hashed.
   */
  static long transfer(RequestBody body, MessageDigest md, ObjectWriter w) throws IOException {
    UploadPipeline p = new UploadPipeline(md, w);
    try {
      return p.run(body);
    } finally {
      p.release();
    }
  }

  private long run(RequestBody body) throws IOException {
    long declared = body.declaredLength();
    if (declared >= 0 && declared < DIRECT_PATH_MIN) return small(body);
    Throwable failure = null;
    try {
      body.forEach(this::accept);
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    }
    try {
      if (cur != null && cur.position() > 0) {
        ByteBuffer last = cur.flip();
        cur = null;
        if (first == null) { // the whole body fit in one block: no hand-off
          write(last);
          hash(last);
          free.add(last);
        } else {
          emit(last);
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = add(failure, e);
    }
    try {
      finishStages();
    } catch (IOException | RuntimeException | Error e) {
      failure = add(failure, e);
    }
    finishWriteBack();
    if (writeFailure != null) failure = add(failure, writeFailure);
    if (broken != null) failure = add(failure, broken);
    if (failure instanceof IOException io) throw new Failed(io, hashed);
    if (failure instanceof RuntimeException re) throw re;
    if (failure instanceof Error er) throw er;
    return hashed;
  }

  /**
   * A body declared smaller than {@value #DIRECT_PATH_MIN} bytes: each network buffer is hashed
   * and written as it comes, on the request thread, without taking a block.
   */
  private long small(RequestBody body) throws IOException {
    try {
      body.forEach(b -> {
        int n = b.remaining();
        w.write(b.duplicate()); // first: a failed write must not have reached the digest
        md.update(b);
        hashed += n;
      });
    } catch (IOException e) {
      throw new Failed(e, hashed);
    }
    return hashed;
  }

  private static Throwable add(Throwable failure, Throwable e) {
    if (failure == null) return e;
    if (failure != e) failure.addSuppressed(e);
    return failure;
  }

  private void accept(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      if (cur == null) cur = take();
      int n = Math.min(b.remaining(), cur.remaining());
      if (n == b.remaining()) {
        cur.put(b);
      } else {
        int limit = b.limit();
        b.limit(b.position() + n);
        cur.put(b);
        b.limit(limit);
      }
      if (!cur.hasRemaining()) {
        ByteBuffer full = cur.flip();
        cur = null;
        emit(full);
      }
    }
  }

  /** Hands a full block to the file-writing stage, starting the stages with the first one. */
  private void emit(ByteBuffer block) throws IOException {
    if (first == null) {
      hashStage = new Stage("hash", this::hash, free);
      first = new Stage("write", this::write, hashStage.in);
    }
    first.put(block);
  }

  /** The file write of a block; after a failure, blocks are no longer written (nor hashed). */
  private boolean write(ByteBuffer block) {
    if (writeFailure != null || broken != null) return false;
    int n = block.remaining();
    try {
      w.write(block.duplicate());
    } catch (IOException e) {
      writeFailure = e;
      return false;
    }
    sinceWriteBack += n;
    if (WRITEBACK > 0 && sinceWriteBack >= WRITEBACK) {
      sinceWriteBack = 0;
      Future<?> f = writeBack;
      if (f == null || f.isDone()) writeBack = THREADS.submit(this::writeBackQuietly);
    }
    return true;
  }

  private boolean hash(ByteBuffer block) {
    if (writeFailure != null || broken != null) return false;
    int n = block.remaining();
    md.update(block.duplicate());
    hashed += n;
    return true;
  }

  private Void writeBackQuietly() {
    try {
      w.writeBack();
    } catch (IOException | RuntimeException e) {
      // only an early start of what commit() does anyway; commit reports a real failure
    }
    return null;
  }

  @FunctionalInterface
  private interface Step {
    boolean apply(ByteBuffer b) throws IOException;
  }

  /** One thread applying a step to each block in order, then passing it on. */
  private final class Stage {
    final BlockingQueue<ByteBuffer> in = new ArrayBlockingQueue<>(DEPTH + 1);
    final Future<?> done;

    Stage(String name, Step step, BlockingQueue<ByteBuffer> next) {
      done = THREADS.submit(() -> {
        Thread.currentThread().setName("berth-upload-" + name);
        while (true) {
          ByteBuffer b = in.take();
          if (b == END) {
            if (next != free) next.put(END);
            return null;
          }
          try {
            step.apply(b);
          } catch (RuntimeException | Error e) {
            if (broken == null) broken = e; // keep passing blocks on so that nobody waits forever
          }
          next.put(next == free ? b.clear() : b);
        }
      });
    }

    void put(ByteBuffer b) throws IOException {
      try {
        in.put(b);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while receiving an upload");
      }
    }
  }

  private void finishStages() throws IOException {
    if (first == null) return;
    try {
      first.put(END);
    } catch (InterruptedIOException e) {
      cancelStages();
      throw e;
    }
    for (Stage s : new Stage[] {first, hashStage}) {
      try {
        s.done.get();
      } catch (InterruptedException e) {
        cancelStages();
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while an upload was written");
      } catch (ExecutionException e) {
        throw new IllegalStateException("a stage of an upload failed", e.getCause());
      }
    }
  }

  /** Stops the stage threads (the request thread was interrupted: the server is stopping). */
  private void cancelStages() {
    for (Stage s : new Stage[] {first, hashStage}) {
      s.done.cancel(true);
    }
  }

  private void finishWriteBack() {
    Future<?> f = writeBack;
    if (f == null) return;
    // commit() must not close the file under a running write-back; waiting costs nothing, as
    // commit's fsync would wait for the same pages
    boolean interrupted = false;
    while (true) {
      try {
        f.get();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** A free block: from the pool while fewer than DEPTH are in use, else once the last stage returns one. */
  private ByteBuffer take() throws IOException {
    ByteBuffer b = free.poll();
    if (b != null) return b;
    if (blocks < DEPTH) {
      blocks++;
      b = POOL.poll();
      if (b != null) {
        POOLED.decrementAndGet();
        return b.clear();
      }
      // page-aligned, so that the file system may write it with O_DIRECT
      return ByteBuffer.allocateDirect(BLOCK + ALIGN).alignedSlice(ALIGN).limit(BLOCK).slice();
    }
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while receiving an upload");
    }
  }

  /** Returns the blocks to the shared pool, once no stage holds them any more. */
  private void release() {
    if (first != null && !(first.done.isDone() && (hashStage == null || hashStage.done.isDone()))) {
      return; // a stage still runs (interrupted): let the GC have its blocks
    }
    if (cur != null) recycle(cur);
    ByteBuffer b;
    while ((b = free.poll()) != null) recycle(b);
  }

  private static void recycle(ByteBuffer b) {
    if (POOLED.incrementAndGet() <= POOLED_MAX) {
      POOL.offer(b.clear());
    } else {
      POOLED.decrementAndGet();
    }
  }

  /** An I/O failure (the cause), and how many bytes were hashed before it. */
  static final class Failed extends IOException {
    private static final long serialVersionUID = 1L;
    final transient long hashed;

    Failed(IOException cause, long hashed) {
      super(cause.getMessage(), cause);
      this.hashed = hashed;
    }

    IOException io() {
      return (IOException) getCause();
    }
  }
}
