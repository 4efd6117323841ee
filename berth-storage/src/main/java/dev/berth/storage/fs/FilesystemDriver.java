package dev.berth.storage.fs;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.berth.storage.InvalidOffsetException;
import dev.berth.storage.ListPage;
import dev.berth.storage.ObjectInfo;
import dev.berth.storage.ObjectNotFoundException;
import dev.berth.storage.ObjectWriter;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StoragePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link StorageDriver} over a local directory: each object is a regular file at
 * {@code <root>/<path>}, each prefix a directory.
 *
 * <h2>Writers, commit and crash safety</h2>
 *
 * <ul>
 *   <li><b>{@code writer(path, 0)}</b> writes a new object to a temporary file in the target's
 *       directory, named {@code .<name>~<random>.tmp}. {@code '~'} is not a valid path character
 *       (see {@link StoragePaths}), so temporary files never collide with an object, never show
 *       in {@link #list} and can never be addressed by a caller. {@code commit()} does {@code
 *       FileChannel.force(true)}, renames the file onto the target with {@code ATOMIC_MOVE}
 *       (replacing any previous object) and fsyncs the directory. Until then the path holds
 *       whatever it held before: nothing, or the previous complete object. A crash leaves at most
 *       an orphaned temporary file, removed by {@link #sweepTempFiles}. {@code cancel()} and
 *       {@code close()} delete the temporary file and leave a previous object untouched.
 *   <li><b>{@code writer(path, offset > 0)}</b> resumes in place. The file at {@code path} (which
 *       an earlier writer committed) is truncated to {@code offset} when the writer opens, and new
 *       bytes are appended to it; {@code commit()} is {@code force(true)}. This is what chunked
 *       uploads need: the upload's data file is created by one {@code writer(path, 0)} and extended
 *       by one resuming writer per chunk, at the offset the server acknowledged. If the process
 *       dies mid-chunk, the file may hold bytes past the acknowledged offset; the next {@code
 *       writer(path, acknowledged)} cuts them off. {@code close()} without commit truncates back
 *       to {@code offset}. Because it is in place, a resumed object is <em>not</em> atomic to
 *       readers; only resume objects nobody reads concurrently (upload data), and publish them
 *       with {@link #move}, which is atomic. Two writers must not resume the same path at once.
 *   <li><b>{@link #move}</b> fsyncs the source, renames it atomically onto the target (creating
 *       and fsyncing missing parent directories), then fsyncs the target directory. A crash leaves
 *       the old or the new content at the target, never a torn file.
 * </ul>
 *
 * <p>Directories exist only to hold objects: {@link #delete}, {@link #move}, {@code cancel()}
 * and an uncommitted {@code close()} remove parent directories left empty, up to (not including)
 * the root. Every directory this driver creates is made durable by fsyncing its parent.
 * Directory fsyncs are group-committed ({@link DirectorySync}): concurrent changes to one
 * directory share an fsync that started after all of them. After a {@link #move} only the
 * target directory is synced; on a journaling filesystem that makes the whole rename durable,
 * and elsewhere the worst a crash leaves is the source name still present, which for upload
 * data the server's upload sweep removes.
 *
 * <p>Writes go straight from the caller's {@link ByteBuffer} to the {@link FileChannel}; nothing
 * is allocated per write call. A direct buffer of at least {@value #DIRECT_MIN} bytes at a
 * 4 KiB-aligned address and file offset is written with O_DIRECT (its aligned part), from the
 * buffer to the device without a copy into the page cache: on the VMs this was measured on, a
 * fresh page-cache page costs far more than the copy itself (the host backs guest memory on first
 * touch), so 1 GiB written through the page cache took ~2 s of system CPU and 0.15 s with O_DIRECT,
 * and commit's fsync has nothing left to write. {@code -Dberth.storage.directWrites=false} turns
 * it off; file systems that refuse O_DIRECT (tmpfs) get buffered writes. Heap buffers are
 * written in slices of at most {@value #MAX_HEAP_WRITE} bytes so that the JDK's per-thread
 * temporary direct buffer stays small.
 */
public final class FilesystemDriver implements StorageDriver {

  /** The name in configuration. */
  public static final String NAME = "filesystem";

  /** Marks temporary files; not a valid path character, so never part of an object's name. */
  static final char TEMP_MARK = '~';

  static final String TEMP_SUFFIX = ".tmp";

  /** Largest slice of a heap buffer handed to one {@code FileChannel.write}. */
  static final int MAX_HEAP_WRITE = 1 << 20;

  /** Direct buffers of at least this size are written with O_DIRECT (their aligned part). */
  static final int DIRECT_MIN = 256 << 10;
  static final int DIRECT_ALIGN = 4096;
  static final boolean DIRECT_WRITES = Boolean.parseBoolean(System.getProperty("berth.storage.directWrites", "true"));

  /** How often an operation is retried when a concurrent prune removed the directory it needed. */
  private static final int PRUNE_RACE_RETRIES = 16;

  /** Longest prefix of an object name kept in its temporary file name (NAME_MAX is 255). */
  private static final int TEMP_NAME_KEEP = 200;

  private static final boolean DIRECTORY_FSYNC =
      !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private final Path root;
  private final DirectorySync directorySync = new DirectorySync();

  /** A driver rooted at {@code root}, which is created when missing. */
  public FilesystemDriver(Path root) throws IOException {
    Objects.requireNonNull(root, "root");
    Files.createDirectories(root);
    this.root = root.toRealPath();
    if (!Files.isDirectory(this.root)) {
      throw new NotDirectoryException(this.root.toString());
    }
  }

  /** The directory this driver keeps its objects in. */
  public Path root() {
    return root;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<ObjectInfo> stat(String path) throws IOException {
    Path p = resolve(path);
    BasicFileAttributes a = attributes(p);
    if (a == null) return Optional.empty();
    return Optional.of(new ObjectInfo(path, a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toInstant(), a.isDirectory()));
  }

  @Override
  public InputStream read(String path, long offset) throws IOException {
    if (offset < 0) throw new IllegalArgumentException("negative offset " + offset + " reading " + path);
    Path p = resolve(path);
    BasicFileAttributes a = attributes(p);
    if (a == null || a.isDirectory()) throw new ObjectNotFoundException(NAME, path);
    FileChannel ch;
    try {
      ch = FileChannel.open(p, READ);
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(NAME, path);
    }
    try {
      ch.position(offset); // past the end reads as empty
      return Channels.newInputStream(ch);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      throw e;
    }
  }

  @Override
  public ObjectWriter writer(String path, long offset) throws IOException {
    if (offset < 0) throw new IllegalArgumentException("negative offset " + offset + " writing " + path);
    Path target = resolve(path);
    return offset == 0 ? newObject(path, target) : resume(path, target, offset);
  }

  private ObjectWriter newObject(String path, Path target) throws IOException {
    Path dir = target.getParent();
    String name = target.getFileName().toString();
    for (int attempt = 0; ; attempt++) {
      Path temp = dir.resolve(tempName(name));
      try {
        createDirectories(dir, path);
        return new FsWriter(path, target, temp, FileChannel.open(temp, CREATE_NEW, WRITE), 0);
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        // a concurrent delete pruned the directory, or (astronomically rarely) the name was taken
        if (attempt >= PRUNE_RACE_RETRIES) throw e;
      }
    }
  }

  private ObjectWriter resume(String path, Path target, long offset) throws IOException {
    BasicFileAttributes a = attributes(target);
    if (a == null || a.isDirectory()) throw new InvalidOffsetException(NAME, path, offset, 0);
    FileChannel ch;
    try {
      ch = FileChannel.open(target, WRITE);
    } catch (NoSuchFileException e) {
      throw new InvalidOffsetException(NAME, path, offset, 0);
    }
    try {
      long stored = ch.size();
      if (offset > stored) throw new InvalidOffsetException(NAME, path, offset, stored);
      if (stored > offset) ch.truncate(offset); // bytes past the acknowledged offset are discarded
      ch.position(offset);
      return new FsWriter(path, target, null, ch, offset);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch, e);
      throw e;
    }
  }

  @Override
  public void move(String from, String to) throws IOException {
    Path src = resolve(from);
    Path dst = resolve(to);
    BasicFileAttributes a = attributes(src);
    if (a == null) throw new ObjectNotFoundException(NAME, from);
    if (a.isDirectory()) {
      throw new IOException(NAME + ": cannot move " + from + ": it is a prefix, and move moves single objects");
    }
    if (src.equals(dst)) return;
    try (FileChannel ch = FileChannel.open(src, READ)) {
      ch.force(true); // the content is durable before any name points at it
    } catch (NoSuchFileException e) {
      throw new ObjectNotFoundException(NAME, from);
    }
    for (int attempt = 0; ; attempt++) {
      try {
        createDirectories(dst.getParent(), to);
        Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
        break;
      } catch (NoSuchFileException e) {
        if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) throw new ObjectNotFoundException(NAME, from);
        if (attempt >= PRUNE_RACE_RETRIES) throw e; // else: the target directory was pruned under us
      }
    }
    fsyncDirectoryIfPresent(dst.getParent());
    // The source directory is not synced (see the class comment). Only prune.
    if (!src.getParent().equals(dst.getParent())) pruneEmptyDirectories(src.getParent());
  }

  @Override
  public void delete(String path) throws IOException {
    Path p = resolve(path);
    BasicFileAttributes a = attributes(p);
    if (a == null) return;
    if (a.isDirectory()) {
      deleteTree(p);
    } else {
      Files.deleteIfExists(p);
    }
    removedFrom(p.getParent());
  }

  @Override
  public ListPage list(String prefix, String continuation, int max) throws IOException {
    StoragePaths.checkPrefix(prefix);
    if (max < 1) throw new IllegalArgumentException("list of \"" + prefix + "\": max must be positive, not " + max);
    Path dir = prefix.isEmpty() ? root : root.resolve(prefix);
    List<String> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (!StoragePaths.isComponent(name)) continue; // temporary files and foreign names
        String entry = StoragePaths.join(prefix, name);
        if (continuation == null || entry.compareTo(continuation) > 0) entries.add(entry);
      }
    } catch (NoSuchFileException | NotDirectoryException e) {
      return new ListPage(List.of(), null);
    }
    Collections.sort(entries);
    if (entries.size() <= max) return new ListPage(List.copyOf(entries), null);
    List<String> page = List.copyOf(entries.subList(0, max));
    return new ListPage(page, page.get(max - 1));
  }

  @Override
  public Optional<Path> localFile(String path) {
    Path p = resolve(path);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /**
   * Removes temporary files older than {@code age}: what writers left when the process died
   * before commit or close. Run it at startup or periodically with an age well above the longest
   * upload you expect (a live writer's temporary file is removed too if it is older).
   *
   * @return how many files were removed
   */
  public int sweepTempFiles(Duration age) throws IOException {
    Instant cutoff = Instant.now().minus(age);
    List<Path> stale = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (isTempName(file.getFileName().toString()) && attrs.lastModifiedTime().toInstant().isBefore(cutoff)) {
          stale.add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE; // removed meanwhile
        throw e;
      }
    });
    int removed = 0;
    for (Path f : stale) {
      if (Files.deleteIfExists(f)) removed++;
      pruneEmptyDirectories(f.getParent());
    }
    return removed;
  }

  // ---------------------------------------------------------------------------------------------

  private Path resolve(String path) {
    return root.resolve(StoragePaths.check(path));
  }

  /** The attributes of {@code p} (not following a final symlink), or null when there is nothing. */
  private static BasicFileAttributes attributes(Path p) throws IOException {
    try {
      // null for a missing file without an exception: a push checks for blobs that are not there
      // yet, and filling in an exception's stack trace was 1% of a tag push's CPU
      return p.getFileSystem().provider().readAttributesIfExists(p, BasicFileAttributes.class);
    } catch (FileSystemException e) {
      // a path through a regular file (ENOTDIR), which readAttributesIfExists does not call missing
      try {
        return Files.readAttributes(p, BasicFileAttributes.class);
      } catch (NoSuchFileException missing) {
        return null;
      }
    }
  }

  static boolean isTempName(String name) {
    return name.indexOf(TEMP_MARK) >= 0 && name.endsWith(TEMP_SUFFIX);
  }

  private static String tempName(String name) {
    String kept = name.length() > TEMP_NAME_KEEP ? name.substring(0, TEMP_NAME_KEEP) : name;
    return "." + kept + TEMP_MARK + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + TEMP_SUFFIX;
  }

  /**
   * Creates {@code dir} and its missing ancestors below the root, fsyncing the parent of each
   * directory created so the new entries survive a crash.
   */
  private void createDirectories(Path dir, String forPath) throws IOException {
    if (Files.isDirectory(dir)) return;
    Deque<Path> missing = new ArrayDeque<>();
    for (Path d = dir; !d.equals(root) && !Files.isDirectory(d); d = d.getParent()) missing.push(d);
    while (!missing.isEmpty()) {
      Path d = missing.pop();
      try {
        Files.createDirectory(d);
      } catch (FileAlreadyExistsException e) {
        if (Files.isDirectory(d)) continue; // created concurrently
        throw new IOException(NAME + ": cannot store " + forPath + ": " + root.relativize(d) + " is an object, not a prefix", e);
      }
      fsyncDirectory(d.getParent());
    }
  }

  /** After removing an entry from {@code dir}: prunes empty directories and syncs the survivor. */
  private void removedFrom(Path dir) throws IOException {
    Path survivor = pruneEmptyDirectories(dir);
    if (survivor != null) fsyncDirectoryIfPresent(survivor);
  }

  /**
   * Deletes {@code dir} and its ancestors while they are empty, stopping below the root.
   *
   * @return the first directory that was not removed (the root at most), or null if unknown
   */
  private Path pruneEmptyDirectories(Path dir) {
    for (Path d = dir; d != null && d.startsWith(root); d = d.getParent()) {
      if (d.equals(root)) return root;
      try {
        Files.delete(d);
      } catch (NoSuchFileException e) {
        // already removed by a concurrent prune: keep going up
      } catch (DirectoryNotEmptyException e) {
        return d;
      } catch (IOException e) {
        return null; // best effort: a leftover empty directory is harmless
      }
    }
    return null;
  }

  private void deleteTree(Path top) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
            throw e;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) throw e;
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
        return;
      } catch (NoSuchFileException e) {
        return; // the whole tree went away concurrently
      } catch (DirectoryNotEmptyException e) {
        if (attempt >= 3) throw e; // a concurrent writer keeps adding objects below
      }
    }
  }

  private void fsyncDirectory(Path dir) throws IOException {
    if (!DIRECTORY_FSYNC) return; // Windows cannot open a directory as a channel
    directorySync.sync(dir);
  }

  /**
   * Syncs a directory an entry was just added to or removed from. If the directory is gone, a
   * concurrent delete emptied and pruned it, and that delete's own sync covers durability.
   */
  private void fsyncDirectoryIfPresent(Path dir) throws IOException {
    try {
      fsyncDirectory(dir);
    } catch (NoSuchFileException e) {
      // pruned concurrently
    }
  }

  private static void closeQuietly(AutoCloseable c, Throwable failure) {
    try {
      c.close();
    } catch (Exception e) {
      failure.addSuppressed(e);
    }
  }

  private enum State { OPEN, COMMITTED, CANCELLED, CLOSED }

  /** Writes a temporary file (new object) or the target itself (resumed object). */
  private final class FsWriter implements ObjectWriter {
    private final String path;
    private final Path target;
    private final Path temp; // null when resuming in place
    private final FileChannel ch;
    private final long start;
    private long size;
    private State state = State.OPEN;
    private FileChannel direct; // O_DIRECT channel on the same file, opened on the first big aligned write
    private boolean directRefused;
    private volatile long buffered; // bytes written through the page cache since the last writeBack

    FsWriter(String path, Path target, Path temp, FileChannel ch, long start) {
      this.path = path;
      this.target = target;
      this.temp = temp;
      this.ch = ch;
      this.start = start;
      this.size = start;
    }

    @Override
    public void write(ByteBuffer buf) throws IOException {
      ensureOpen("write");
      if (DIRECT_WRITES && buf.isDirect() && buf.remaining() >= DIRECT_MIN) writeDirect(buf);
      if (!buf.hasRemaining()) return;
      int limit = buf.limit();
      boolean slice = !buf.isDirect();
      try {
        while (buf.hasRemaining()) {
          if (slice && buf.remaining() > MAX_HEAP_WRITE) buf.limit(buf.position() + MAX_HEAP_WRITE);
          int n = ch.write(buf);
          size += n;
          buffered += n;
          buf.limit(limit);
        }
      } finally {
        buf.limit(limit);
      }
    }

    @Override
    public long size() {
      return size;
    }

    /**
     * Writes the aligned part of {@code buf} with O_DIRECT, from the caller's buffer straight to
     * the device, and leaves the unaligned rest (if any) in {@code buf} for the page cache. Only
     * when the file offset and the buffer's address are 4 KiB-aligned; gives up on O_DIRECT for
     * this writer when the file system refuses it.
     */
    private void writeDirect(ByteBuffer buf) throws IOException {
      if (directRefused || (size & (DIRECT_ALIGN - 1)) != 0 || buf.alignmentOffset(buf.position(), DIRECT_ALIGN) != 0) return;
      if (direct == null) {
        try {
          direct = FileChannel.open(temp != null ? temp : target, WRITE, com.sun.nio.file.ExtendedOpenOption.DIRECT);
        } catch (IOException | UnsupportedOperationException e) {
          directRefused = true; // e.g. tmpfs: EINVAL on open
          return;
        }
      }
      int n = buf.remaining() & ~(DIRECT_ALIGN - 1);
      int limit = buf.limit();
      long before = size;
      buf.limit(buf.position() + n);
      try {
        while (buf.hasRemaining()) size += direct.write(buf, size);
      } catch (IOException e) {
        // EINVAL from a file system that opens O_DIRECT but cannot write this way: nothing was
        // written, the page cache takes it from here; any other error is real
        if (size != before || e.getMessage() == null || !e.getMessage().contains("Invalid argument")) throw e;
        directRefused = true;
      } finally {
        buf.limit(limit);
      }
      ch.position(size);
    }

    @Override
    public void writeBack() throws IOException {
      // fdatasync from another thread: Linux starts writing a big file's dirty pages only at the
      // final fsync otherwise (see UploadPipeline); ClosedChannelException once the writer is done
      if (buffered == 0) return; // O_DIRECT wrote everything so far: no dirty pages
      buffered = 0;
      if (state == State.OPEN && ch.isOpen()) ch.force(false);
    }

    @Override
    public void commit() throws IOException {
      ensureOpen("commit");
      try {
        closeDirect();
        ch.force(true);
        ch.close();
        if (temp != null) {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
          fsyncDirectoryIfPresent(target.getParent());
        }
        state = State.COMMITTED;
      } catch (IOException | RuntimeException | Error e) {
        state = State.CLOSED;
        discard(e);
        throw e;
      }
    }

    @Override
    public void cancel() throws IOException {
      if (state == State.CANCELLED) return;
      ensureOpen("cancel");
      state = State.CANCELLED;
      try {
        closeDirect();
        ch.close();
      } finally {
        // a new writer drops its temporary file; a resumed one drops the object it was extending
        Files.deleteIfExists(temp != null ? temp : target);
        pruneEmptyDirectories(target.getParent());
      }
    }

    @Override
    public void close() throws IOException {
      if (state != State.OPEN) return;
      state = State.CLOSED;
      if (direct != null) {
        try {
          direct.close();
        } catch (IOException e) {
          // what matters is the buffered channel below
        }
      }
      if (temp != null) {
        try {
          ch.close();
        } finally {
          Files.deleteIfExists(temp);
          pruneEmptyDirectories(temp.getParent());
        }
        return;
      }
      try {
        if (ch.isOpen()) {
          ch.truncate(start); // keep only what was committed before this writer
        } else { // closed under us (an interrupted thread closes a FileChannel): reopen to truncate
          try (FileChannel again = FileChannel.open(target, WRITE)) {
            if (again.size() > start) again.truncate(start);
          } catch (NoSuchFileException e) {
            // deleted meanwhile: nothing to keep
          }
        }
      } finally {
        ch.close();
      }
    }

    private void closeDirect() throws IOException {
      if (direct != null) direct.close();
    }

    private void discard(Throwable failure) {
      if (direct != null) closeQuietly(direct, failure);
      closeQuietly(ch, failure);
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          failure.addSuppressed(e);
        }
        pruneEmptyDirectories(temp.getParent());
      }
    }

    private void ensureOpen(String op) {
      if (state != State.OPEN) {
        throw new IllegalStateException(NAME + ": cannot " + op + " " + path + ": the writer is " + state.name().toLowerCase(Locale.ROOT));
      }
    }
  }
}
