package dev.berth.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Temporary directories and the log directory. */
final class Dirs {
  private Dirs() {}

  /**
   * A fresh directory under /tmp with a short name. Short matters: dockerd and containerd put
   * unix sockets under it, and a socket path must fit in ~108 bytes.
   */
  static Path shortTemp(String prefix) {
    try {
      Path base = Path.of("/tmp");
      return Files.isDirectory(base) ? Files.createTempDirectory(base, prefix) : Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where server logs go: target/it-logs when run by Maven (system property berth.it.logs). */
  static Path logs() {
    Path p = Path.of(System.getProperty("berth.it.logs", "target/it-logs")).toAbsolutePath();
    try {
      return Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes a tree, best effort: a leftover temp file must not fail a test. */
  static void deleteQuietly(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          try {
            Files.delete(file);
          } catch (IOException ignored) {
            // keep going
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) {
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
          try {
            Files.delete(dir);
          } catch (IOException ignored) {
            // keep going
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      Log.info("could not delete %s: %s", root, e);
    }
  }
}
