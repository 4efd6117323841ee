package dev.berth.server.meta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQLite native library is extracted once, reused while intact, and extracted again when not. */
class SqliteNativeLibraryTest {
  static Path driverJar() throws Exception {
    return Path.of(org.sqlite.SQLiteJDBCLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  @Test
  void extractsOnceThenReusesTheCopy(@TempDir Path dir) throws Exception {
    Path jar = driverJar();
    Path first = SqliteNativeLibrary.cachedCopy(dir, jar);
    assertThat(first).isNotNull().startsWith(dir);
    String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath().substring(1) + "/"
        + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      assertThat(Files.size(first)).isEqualTo(zip.getEntry(resource).getSize());
    }
    FileTime written = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(first, written);

    Path again = SqliteNativeLibrary.cachedCopy(dir, jar);
    assertThat(again).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(again)).isEqualTo(written);
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(first);
    }
  }

  @Test
  void aTruncatedCopyIsExtractedAgain(@TempDir Path dir) throws Exception {
    Path jar = driverJar();
    Path first = SqliteNativeLibrary.cachedCopy(dir, jar);
    long size = Files.size(first);
    Files.write(first, new byte[10]);

    Path again = SqliteNativeLibrary.cachedCopy(dir, jar);
    assertThat(again).isEqualTo(first);
    assertThat(Files.size(again)).isEqualTo(size);
  }

  @Test
  void theStoreOpensWithTheCachedCopy(@TempDir Path dir) throws Exception {
    try (SqliteMetadataStore store = SqliteMetadataStore.open(dir.resolve("metadata.db"))) {
      assertThat(store.file()).exists();
    }
  }
}
