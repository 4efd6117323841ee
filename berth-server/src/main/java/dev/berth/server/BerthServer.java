package dev.berth.server;

import dev.berth.server.auth.AccessControl;
import dev.berth.server.http.BlobResource;
import dev.berth.server.http.ListingResource;
import dev.berth.server.http.ManifestResource;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.http.Resources;
import dev.berth.server.http.UploadResource;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.registry.BlobStore;
import dev.berth.server.registry.ManifestService;
import dev.berth.server.registry.UploadService;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverFactory;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry server: {@code BerthServer.start(config)} opens the metadata store and storage
 * driver and starts listening; {@link #close()} stops it.
 */
public final class BerthServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BerthServer.class);

  private final Server jetty;
  private final ServerConnector connector;
  private final MetadataStore meta;
  private final StorageDriver driver;
  private final ScheduledExecutorService housekeeping;
  private final String host;

  private BerthServer(Server jetty, ServerConnector connector, MetadataStore meta, StorageDriver driver,
      ScheduledExecutorService housekeeping, String host) {
    this.jetty = jetty;
    this.connector = connector;
    this.meta = meta;
    this.driver = driver;
    this.housekeeping = housekeeping;
    this.host = host;
  }

  public static BerthServer start(ServerConfig config) throws Exception {
    return start(config, AccessControl.NONE);
  }

  public static BerthServer start(ServerConfig config, AccessControl access) throws Exception {
    Files.createDirectories(config.dataDir());
    StorageDriver driver = StorageDriverFactory.find(config.storageDriver()).create(config.storageConfig());
    MetadataStore meta = MetadataStores.open(config);
    Clock clock = Clock.systemUTC();
    BlobStore blobs = new BlobStore(driver);
    UploadService uploads = new UploadService(meta, blobs, clock);
    ManifestService manifests = new ManifestService(meta, blobs, config.manifestCacheBytes());
    Resources resources = new Resources(access,
        new BlobResource(access, meta, blobs),
        new UploadResource(access, meta, uploads),
        new ManifestResource(access, manifests),
        new ListingResource(access, meta));

    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("berth");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    http.setRequestHeaderSize(64 * 1024);
    http.setOutputBufferSize(256 * 1024);
    ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
    jetty.addConnector(connector);
    jetty.setHandler(new RegistryHandler(resources));
    jetty.setStopTimeout(5_000);
    try {
      jetty.start();
    } catch (Exception e) {
      meta.close();
      driver.close();
      throw e;
    }
    ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "berth-housekeeping");
      t.setDaemon(true);
      return t;
    });
    Duration expiry = config.uploadExpiry();
    long every = Math.max(1, Math.min(expiry.toSeconds() / 4, 600));
    housekeeping.scheduleWithFixedDelay(() -> {
      try {
        uploads.expire(expiry);
      } catch (RuntimeException e) {
        LOG.warn("upload expiry sweep failed", e);
      }
    }, every, every, TimeUnit.SECONDS);
    return new BerthServer(jetty, connector, meta, driver, housekeeping, config.host());
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://host:port} */
  public URI baseUri() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0")) h = "127.0.0.1";
    return URI.create("http://" + h + ":" + port());
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    jetty.join();
  }

  @Override
  public void close() throws Exception {
    housekeeping.shutdownNow();
    try {
      jetty.stop();
    } finally {
      meta.close();
      driver.close();
    }
  }
}
