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
 * @param dataDir the data directory (SQLite metadata, token signing key, and with the filesystem driver, blobs)
 * @param storageDriver storage driver name ({@code filesystem})
 * @param storageConfig the driver's settings
 * @param uploadExpiry how long an upload session may sit unused before it is cleaned up
 * @param manifestCacheBytes bytes of manifest content kept in memory
 * @param auth access control settings
 * @param tls TLS settings; {@link Tls#OFF} for plain HTTP
 * @param minimumClients clients refused as too old
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String storageDriver,
    Map<String, String> storageConfig,
    Duration uploadExpiry,
    long manifestCacheBytes,
    Auth auth,
    Tls tls,
    dev.berth.server.auth.MinimumClients minimumClients) {

  public static final int DEFAULT_PORT = 5000;

  /**
   * Access control.
   *
   * @param mode none (everything allowed), token (Bearer challenge + token endpoint; Basic also
   *     accepted) or basic (Basic challenge)
   * @param realm the token endpoint URL to advertise; null derives it from each request's Host
   * @param service the service name in challenges and tokens
   * @param tokenTtl lifetime of access tokens
   * @param adminPassword password for the admin user created on first start; null generates one
   */
  public record Auth(String mode, String realm, String service, Duration tokenTtl, String adminPassword) {
    public static Auth none() {
      return new Auth("none", null, "berth", Duration.ofMinutes(5), null);
    }

    public static Auth token(String adminPassword) {
      return new Auth("token", null, "berth", Duration.ofMinutes(5), adminPassword);
    }
  }

  /**
   * TLS.
   *
   * @param cert PEM certificate chain, or null
   * @param key PEM private key, or null
   * @param selfSigned generate (once, kept in the data directory) a self-signed certificate
   */
  public record Tls(Path cert, Path key, boolean selfSigned) {
    public static final Tls OFF = new Tls(null, null, false);

    public boolean enabled() {
      return selfSigned || cert != null;
    }
  }

  /** Defaults: 127.0.0.1:5000, filesystem storage under {@code dataDir/storage}, no authentication (for tests). */
  public static ServerConfig defaults(Path dataDir) {
    return new ServerConfig("127.0.0.1", DEFAULT_PORT, dataDir, "filesystem",
        Map.of("root", dataDir.resolve("storage").toString()), Duration.ofHours(24), 64L << 20, Auth.none(), Tls.OFF, dev.berth.server.auth.MinimumClients.NONE);
  }

  public ServerConfig withListen(String newHost, int newPort) {
    return new ServerConfig(newHost, newPort, dataDir, storageDriver, storageConfig, uploadExpiry, manifestCacheBytes, auth, tls, minimumClients);
  }

  public ServerConfig withAuth(Auth newAuth) {
    return new ServerConfig(host, port, dataDir, storageDriver, storageConfig, uploadExpiry, manifestCacheBytes, newAuth, tls, minimumClients);
  }

  public ServerConfig withMinimumClients(dev.berth.server.auth.MinimumClients m) {
    return new ServerConfig(host, port, dataDir, storageDriver, storageConfig, uploadExpiry, manifestCacheBytes, auth, tls, m);
  }

  public ServerConfig withTls(Tls newTls) {
    return new ServerConfig(host, port, dataDir, storageDriver, storageConfig, uploadExpiry, manifestCacheBytes, auth, newTls, minimumClients);
  }
}
