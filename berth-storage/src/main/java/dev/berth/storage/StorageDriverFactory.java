package dev.berth.storage;

import java.io.IOException;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Creates a driver from its configuration. Implementations are listed in
 * {@code META-INF/services/dev.berth.storage.StorageDriverFactory}.
 */
public interface StorageDriverFactory {

  /** The name in configuration, e.g. {@code filesystem}. */
  String name();

  /** The configuration keys this driver accepts (used to refuse unknown keys by name). */
  Set<String> keys();

  /**
   * @param config the driver's settings (keys from {@link #keys()})
   * @throws IllegalArgumentException naming the key when a value is wrong
   */
  StorageDriver create(Map<String, String> config) throws IOException;

  /** Finds the factory for {@code name}, or throws naming the drivers there are. */
  static StorageDriverFactory find(String name) {
    Set<String> names = new TreeSet<>();
    for (StorageDriverFactory f : ServiceLoader.load(StorageDriverFactory.class)) {
      if (f.name().equals(name)) return f;
      names.add(f.name());
    }
    throw new IllegalArgumentException("unknown storage driver \"" + name + "\"; available: " + String.join(", ", names));
  }
}
