package dev.berth.server;

import dev.berth.server.auth.AccessControl;
import dev.berth.server.auth.AuthStore;
import dev.berth.server.auth.Authenticator;
import dev.berth.server.auth.LoginThrottle;
import dev.berth.server.auth.Passwords;
import dev.berth.server.auth.Policy;
import dev.berth.server.auth.RegistryAccessControl;
import dev.berth.server.auth.TokenService;
import dev.berth.server.auth.TokenSigner;
import dev.berth.server.http.TokenResource;
import dev.berth.server.http.AdminResource;
import dev.berth.server.meta.SqliteAuthStore;
import dev.berth.server.meta.SqliteMetadataStore;
import dev.berth.server.http.BlobResource;
import dev.berth.server.http.ListingResource;
import dev.berth.server.http.ManifestResource;
import dev.berth.server.http.RegistryHandler;
import dev.berth.server.http.Resources;
import dev.berth.server.http.UploadResource;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.registry.BlobLayout;
import dev.berth.server.registry.BlobStore;
import dev.berth.server.registry.ManifestService;
import dev.berth.server.registry.TagLists;
import dev.berth.server.registry.UploadService;
import dev.berth.storage.StorageDriver;
import dev.berth.storage.StorageDriverFactory;
import java.io.IOException;
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

  /** Tag names kept in memory for tag lists (about 100 bytes each with their JSON). */
  static final long TAG_LIST_CACHE_NAMES = 200_000;

  private final Server jetty;
  private final ServerConnector connector;
  private final MetadataStore meta;
  private final StorageDriver driver;
  private final ScheduledExecutorService housekeeping;
  private final String host;
  private final boolean tls;
  private String initialAdminPassword;

  private BerthServer(Server jetty, ServerConnector connector, MetadataStore meta, StorageDriver driver,
      ScheduledExecutorService housekeeping, String host, boolean tls) {
    this.jetty = jetty;
    this.connector = connector;
    this.meta = meta;
    this.driver = driver;
    this.housekeeping = housekeeping;
    this.host = host;
    this.tls = tls;
  }

  public static BerthServer start(ServerConfig config) throws Exception {
    // Jetty's MemoryUtils asks the platform MBean server whether oops are compressed, only to size
    // cache-line padding. That starts JMX and the JDK's diagnostic commands (JFR parses its .jfc
    // XML): 400-600 classes, about half a second on a busy 2-core machine. 16 references per
    // 64-byte line is right for compressed oops (heaps below 32 GiB) and only pads more without.
    if (System.getProperty("org.eclipse.jetty.util.referencesPerCacheLine") == null) {
      System.setProperty("org.eclipse.jetty.util.referencesPerCacheLine", "16");
    }
    Files.createDirectories(config.dataDir());
    Warmup warmup = Warmup.start();
    StorageDriver driver = StorageDriverFactory.find(config.storageDriver()).create(config.storageConfig());
    SqliteMetadataStore meta;
    try {
      BlobLayout.ensureCurrent(driver);
      meta = MetadataStores.open(config);
    } catch (IOException | RuntimeException e) {
      driver.close();
      throw e;
    }
    Clock clock = Clock.systemUTC();
    AccessControl access;
    AuthStore authStore = null;
    TokenService tokenService = null;
    String initialAdminPassword = null;
    String mode = config.auth().mode();
    if (mode.equals("none")) {
      access = AccessControl.NONE;
    } else {
      authStore = new SqliteAuthStore(meta);
      if (!authStore.hasUsers()) {
        String pw = config.auth().adminPassword();
        if (pw == null || pw.isEmpty()) {
          pw = Passwords.randomSecret(24);
          initialAdminPassword = pw;
        }
        authStore.addUser("admin", Passwords.hash(pw.toCharArray()), false, true);
        LOG.info("created the administrator account \"admin\"");
      }
      TokenSigner signer = new TokenSigner(TokenSigner.loadOrCreateKey(config.dataDir().resolve("keys/token-signing.jwk")),
          config.auth().service(), clock);
      Authenticator authenticator = new Authenticator(authStore, clock);
      Policy policy = new Policy(authStore);
      LoginThrottle throttle = new LoginThrottle(clock);
      RegistryAccessControl rac = new RegistryAccessControl(
          mode.equals("basic") ? RegistryAccessControl.Mode.BASIC : RegistryAccessControl.Mode.TOKEN,
          config.auth().realm(), authStore, authenticator, policy, signer, throttle, clock);
      tokenService = new TokenService(authenticator, policy, signer, throttle, rac, config.auth().tokenTtl(), Duration.ofDays(30), clock);
      access = rac;
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    if (maxHeap != Long.MAX_VALUE && config.manifestCacheBytes() > maxHeap / 2) {
      LOG.warn("cache.manifests ({} MiB) is more than half of the JVM's maximum heap ({} MiB): lower it, or give the JVM"
          + " more (./berth: BERTH_JAVA_OPTS=\"-Xmx2g ...\", which replaces the launcher's defaults)",
          config.manifestCacheBytes() >> 20, maxHeap >> 20);
    }
    BlobStore blobs = new BlobStore(driver);
    UploadService uploads = new UploadService(meta, blobs, clock);
    ManifestService manifests = new ManifestService(meta, blobs, config.manifestCacheBytes());
    Resources resources = new Resources(access,
        new BlobResource(access, meta, blobs),
        new UploadResource(access, meta, uploads),
        new ManifestResource(access, manifests),
        new ListingResource(access, meta, new TagLists(meta, TAG_LIST_CACHE_NAMES)),
        new TokenResource(tokenService),
        new AdminResource(access, authStore),
        config.minimumClients());

    warmup.awaitJetty();
    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("berth");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    Server jetty = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    http.setRequestHeaderSize(64 * 1024);
    http.setOutputBufferSize(256 * 1024);
    // Jetty reads 8 KiB per fill by default: 131,072 reads (and loopback ACK round trips) per GiB
    // pushed. 64 KiB is the largest size Jetty's default buffer pool keeps; a buffer is held only
    // while a connection has unparsed bytes.
    http.setInputBufferSize(64 * 1024);
    // Repository names with an empty component ("a//b") must reach the registry, which explains
    // the NAME_INVALID; Jetty would refuse them as ambiguous with an HTML page.
    http.setUriCompliance(org.eclipse.jetty.http.UriCompliance.DEFAULT.with("berth",
        org.eclipse.jetty.http.UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
    ServerConnector connector;
    if (config.tls().enabled()) {
      http.setSecureScheme("https");
      org.eclipse.jetty.server.SecureRequestCustomizer src = new org.eclipse.jetty.server.SecureRequestCustomizer();
      src.setSniHostCheck(false);
      http.addCustomizer(src);
      connector = new ServerConnector(jetty, 1, 1, new org.eclipse.jetty.server.SslConnectionFactory(Tls.contextFactory(config), "http/1.1"),
          new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
    }
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setIdleTimeout(Duration.ofMinutes(5).toMillis());
    jetty.addConnector(connector);
    jetty.setHandler(new RegistryHandler(resources));
    jetty.setErrorHandler(new dev.berth.server.http.JsonErrorHandler());
    jetty.setStopTimeout(5_000);
    try {
      warmup.awaitAll();
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
    BerthServer server = new BerthServer(jetty, connector, meta, driver, housekeeping, config.host(), config.tls().enabled());
    server.initialAdminPassword = initialAdminPassword;
    return server;
  }

  /**
   * The password of the {@code admin} account when this start created it with a generated
   * password (to be shown once), else null.
   */
  public String initialAdminPassword() {
    return initialAdminPassword;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://host:port} */
  public URI baseUri() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0")) h = "127.0.0.1";
    return URI.create((tls ? "https://" : "http://") + h + ":" + port());
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
