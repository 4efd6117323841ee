package dev.berth.storage.fs;

import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverFactory;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code filesystem}: objects are files below {@code root} (created when missing).
 *
 * <pre>
 * storage:
 *   filesystem:
 *     root: /var/lib/berth
 * </pre>
 */
public final class FilesystemDriverFactory implements StorageDriverFactory {

  /** The directory objects are kept in. */
  public static final String ROOT = "root";

  @Override
  public String name() {
    return FilesystemDriver.NAME;
  }

  @Override
  public Set<String> keys() {
    return Set.of(ROOT);
  }

  @Override
  public StorageDriver create(Map<String, String> config) throws IOException {
    Set<String> unknown = new TreeSet<>(config.keySet());
    unknown.removeAll(keys());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("filesystem storage: unknown key(s) " + unknown + "; the only key is \"" + ROOT + "\"");
    }
    String root = config.get(ROOT);
    if (root == null || root.isBlank()) {
      throw new IllegalArgumentException("filesystem storage: \"" + ROOT + "\" is required: the directory to keep blobs in");
    }
    Path dir;
    try {
      dir = Path.of(root);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("filesystem storage: \"" + ROOT + "\" is not a valid path: " + e.getMessage(), e);
    }
    return new FilesystemDriver(dir);
  }
}
