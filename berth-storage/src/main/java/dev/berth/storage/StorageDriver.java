package dev.berth.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where blob bytes live. Object-store shaped, so that a filesystem and S3 can both implement it:
 * read at an offset, a writer with commit and cancel, stat, list with a continuation, delete,
 * move, and optional capabilities (a local file for zero-copy serving, a redirect URL).
 *
 * <p>Paths are relative, '/'-separated, made of {@code [A-Za-z0-9._-]} components; the server
 * owns the layout (see {@code docs/storage-layout.md}). Drivers never interpret them.
 *
 * <p>A driver is found by {@link java.util.ServiceLoader} through {@link StorageDriverFactory};
 * the server never names a concrete driver.
 */
public interface StorageDriver extends AutoCloseable {

  /** The driver's name, as configured ({@code filesystem}, {@code s3}). */
  String name();

  /** Size and modification time of an object, or empty when there is none at {@code path}. */
  Optional<ObjectInfo> stat(String path) throws IOException;

  /**
   * Opens an object for reading from {@code offset}. At or past the end the stream is empty.
   *
   * @throws ObjectNotFoundException when there is no object at {@code path}
   */
  InputStream read(String path, long offset) throws IOException;

  /**
   * Opens a writer for {@code path}. With {@code offset == 0} any existing in-progress content is
   * discarded; with {@code offset > 0} writing resumes after the first {@code offset} bytes
   * already written (and committed) there, and anything beyond them is discarded. An offset
   * larger than what is stored throws {@link InvalidOffsetException}.
   *
   * <p>Bytes written become durable, and readable at {@code path}, only when {@link
   * ObjectWriter#commit()} returns. One exception: a driver may append a resumed writer's bytes
   * in place (the filesystem driver does, to avoid copying the object on every chunk), so they
   * can be read before commit, and after a crash the object may be longer than what was
   * committed. Only resume objects nobody reads meanwhile (upload data), keep the acknowledged
   * offset outside the driver, resume at it, and publish the result with {@link #move}.
   */
  ObjectWriter writer(String path, long offset) throws IOException;

  /**
   * Moves an object atomically: after it returns, {@code to} holds the complete content of
   * {@code from} (replacing anything there) and {@code from} is gone. A crash at any point leaves
   * either the old or the new content at {@code to}, never a torn object.
   */
  void move(String from, String to) throws IOException;

  /** Deletes an object, or everything below a prefix. Deleting nothing is not an error. */
  void delete(String path) throws IOException;

  /**
   * Lists the direct children of a prefix (objects and "directories"), in lexical order, at most
   * {@code max} of them, starting after {@code continuation} (null for the first page). The
   * continuation is opaque: pass back what the previous page returned. A missing prefix, or an
   * object, has no children: an empty page.
   */
  ListPage list(String prefix, String continuation, int max) throws IOException;

  /** A local file holding the committed object, for zero-copy serving; empty where there is none. */
  default Optional<Path> localFile(String path) {
    return Optional.empty();
  }

  /** A URL a client may fetch the object from directly (presigned), where the driver has one. */
  default Optional<URI> redirectUrl(String path, Duration ttl) throws IOException {
    return Optional.empty();
  }

  @Override
  default void close() throws IOException {}
}
