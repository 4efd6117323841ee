package dev.berth.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything {@link BerthServer} needs to start. Built by the CLI from flags, the config file and
 * {@code BERTH_*} environment variables.
 *
 * @param host address to listen on
 * @param port port to listen on; 0 picks a free one
 * @param dataDir the data directory (SQLite metadata and, with the filesystem driver, blobs)
 * @param storageDriver storage driver name ({@code filesystem})
 * @param storageConfig the driver's settings
 * @param uploadExpiry how long an upload session may sit unused before it is cleaned up
 * @param manifestCacheBytes bytes of manifest content kept in memory
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String storageDriver,
    Map<String, String> storageConfig,
    Duration uploadExpiry,
    long manifestCacheBytes) {

  public static final int DEFAULT_PORT = 5000;

  /** Defaults: 127.0.0.1:5000, filesystem storage under {@code dataDir/blobs}. */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, dataDir, "filesystem",
        Map.of("root", dataDir.resolve("storage").toString()), Duration.ofHours(24), 64L << 20);
  }

  public ServerConfig withListen(String newHost, int newPort) {
    return new ServerConfig(newHost, newPort, dataDir, storageDriver, storageConfig, uploadExpiry, manifestCacheBytes);
  }
}
