package dev.berth.server.meta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets sqlite-jdbc load its native library from a copy extracted once, instead of extracting it
 * (about 1 MiB) into the temporary directory and comparing it byte by byte on every start, which
 * also leaves a stale copy in /tmp whenever the process is killed.
 *
 * <p>The copy lives in {@code $XDG_CACHE_HOME/berth/sqlite} (default {@code ~/.cache/berth/sqlite}),
 * named after the jar that holds the library (path, size, modification time), the JVM and the
 * platform, with the expected size in the name: a start only lists that directory and compares
 * one file size. A missing or wrong-sized copy is extracted again (CRC-checked against the jar
 * entry, written to a temporary file and moved into place atomically, so concurrent starts are
 * safe). Whenever anything here fails, or {@code org.sqlite.lib.path} is already set, nothing is
 * changed and sqlite-jdbc extracts the library as it always does.
 */
final class SqliteNativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
  private static final String PATH_PROPERTY = "org.sqlite.lib.path";
  private static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static boolean done;

  private SqliteNativeLibrary() {}

  /** Points sqlite-jdbc at the cached copy, extracting it first if needed; once per JVM. */
  static synchronized void useCachedCopy() {
    if (done) return;
    done = true;
    if (System.getProperty(PATH_PROPERTY) != null || System.getProperty(NAME_PROPERTY) != null) return;
    try {
      Path dir = cacheDir();
      if (dir == null) return;
      Path cached = cachedCopy(dir, jarOfDriver());
      if (cached != null) {
        System.setProperty(PATH_PROPERTY, cached.getParent().toString());
        System.setProperty(NAME_PROPERTY, cached.getFileName().toString());
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("not using a cached copy of the SQLite native library: {}", e.toString());
    }
  }

  /** The copy in {@code dir} for the library inside {@code jar}, extracted if absent; null if it cannot be. */
  static Path cachedCopy(Path dir, Path jar) throws IOException {
    if (jar == null) return null;
    BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
    String prefix = key(jar.toAbsolutePath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|"
        + System.getProperty("java.home") + "|" + System.getProperty("os.name") + "|" + System.getProperty("os.arch")) + "-";
    if (Files.isDirectory(dir)) {
      try (var files = Files.newDirectoryStream(dir, prefix + "*.so")) {
        for (Path f : files) {
          String rest = f.getFileName().toString().substring(prefix.length());
          long size = Long.parseLong(rest.substring(0, rest.length() - ".so".length()));
          if (Files.size(f) == size) return f;
        }
      } catch (NumberFormatException e) {
        // a file of someone else's: extract our own
      }
    }
    return extract(dir, jar, prefix);
  }

  private static Path extract(Path dir, Path jar, String prefix) throws IOException {
    String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/"
        + org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry(resource.substring(1));
      if (entry == null || entry.getSize() < 0) return null;
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, "extract-", ".tmp");
      try {
        CRC32 crc = new CRC32();
        try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc); OutputStream out = Files.newOutputStream(tmp)) {
          in.transferTo(out);
        }
        if (crc.getValue() != entry.getCrc() || Files.size(tmp) != entry.getSize()) {
          throw new IOException("the extracted copy of " + resource + " does not match the jar entry");
        }
        Path target = dir.resolve(prefix + entry.getSize() + ".so");
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        LOG.debug("extracted the SQLite native library to {}", target);
        removeOldCopies(dir, target);
        return target;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Copies for other jars (earlier builds) pile up otherwise: remove those not written for a week.
   * A process still running from one keeps its mapping; its next start extracts again.
   */
  private static void removeOldCopies(Path dir, Path keep) {
    java.nio.file.attribute.FileTime weekAgo = java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(7)));
    try (var files = Files.newDirectoryStream(dir, "*.so")) {
      for (Path f : files) {
        if (!f.equals(keep) && Files.getLastModifiedTime(f).compareTo(weekAgo) < 0) Files.deleteIfExists(f);
      }
    } catch (IOException e) {
      LOG.debug("could not remove old copies of the SQLite native library in {}: {}", dir, e.toString());
    }
  }

  private static Path cacheDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base;
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      base = Path.of(xdg);
    } else {
      String home = System.getProperty("user.home");
      if (home == null || home.isEmpty() || home.equals("?")) return null;
      base = Path.of(home, ".cache");
    }
    return base.resolve("berth").resolve("sqlite");
  }

  private static Path jarOfDriver() {
    try {
      var source = org.sqlite.SQLiteJDBCLoader.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) return null;
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) ? p : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static String key(String s) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
