package dev.berth.storage.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The storage driver contract, run against the filesystem driver. */
class FilesystemDriverTest extends StorageDriverContract {
  @TempDir Path root;

  @Override
  protected StorageDriver newDriver() throws Exception {
    return new FilesystemDriver(root);
  }

  /** The contract sees only objects; on disk, no temporary file or empty directory may remain either. */
  @AfterEach
  void nothingLeftOnDisk() throws Exception {
    try (Stream<Path> all = Files.walk(root)) {
      assertThat(all.filter(p -> !p.equals(root)).map(root::relativize)).as("files and directories under the root").isEmpty();
    }
  }
}
