package dev.berth.cli;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
        "Run the registry: OCI Distribution 1.1 / Docker Registry HTTP API v2.",
        "",
        "Settings come from, highest precedence first: these flags, BERTH_* environment variables",
        "(BERTH_LISTEN, BERTH_DATA, BERTH_STORAGE_DRIVER, BERTH_UPLOADS_EXPIRY, BERTH_CACHE_MANIFESTS,",
        "BERTH_STORAGE_FILESYSTEM_ROOT, …), the config file, defaults. The config file has key = value lines:",
        "  listen = 127.0.0.1:5000",
        "  data = /var/lib/berth",
        "  storage.driver = filesystem",
        "  storage.filesystem.root = /var/lib/berth/storage",
        "  uploads.expiry = 24h",
        "  cache.manifests = 64MiB",
        "An unknown key or a bad value stops the server with a message naming the key.",
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Address to listen on (default 127.0.0.1:5000; port 0 picks a free one).")
  String listen;

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default ./berth-data).")
  Path data;

  @Option(names = "--config", paramLabel = "FILE", description = "Config file of key = value lines (also BERTH_CONFIG).")
  Path config;

  @Option(names = "--auth", paramLabel = "MODE", description = {
      "Access control: token (default; Bearer tokens from /token, Basic accepted too), basic,",
      "or none (anyone can push, pull and delete: for throwaway local use only).",
      "On first start an 'admin' user is created; its password is printed once",
      "(or taken from BERTH_ADMIN_PASSWORD)."})
  String auth;

  @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (chain); needs --tls-key.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Option(names = "--tls-self-signed", description = "Serve HTTPS with a self-signed certificate (made once, kept in the data directory); prints how to make docker trust it.")
  boolean tlsSelfSigned;

  /** The options {@link #parseSimple} knows: those that take a value, and the one flag. */
  static final java.util.Set<String> VALUED = java.util.Set.of("--listen", "--data", "--config", "--auth", "--tls-cert", "--tls-key");
  static final String FLAG = "--tls-self-signed";

  /**
   * The arguments of {@code serve} parsed without picocli, for the usual case: each option at
   * most once, as {@code --name value} or {@code --name=value}. picocli is compiled for Java 5, so
   * the JVM's AOT cache cannot hold its classes and building its model is the largest single
   * item of a server start (0.2-0.5 s). Null for anything else (help, version, unknown or
   * repeated options, values that start with '-' or '@', no "serve" first): picocli then parses
   * and reports as always. ServeFastPathTest keeps this in step with the {@code @Option}s.
   */
  static ServeCommand parseSimple(String... args) {
    if (args.length == 0 || !args[0].equals("serve")) return null;
    ServeCommand c = new ServeCommand();
    java.util.Set<String> seen = new java.util.HashSet<>();
    try {
      for (int i = 1; i < args.length; i++) {
        String name = args[i];
        String value = null;
        int eq = name.indexOf('=');
        if (name.startsWith("--") && eq > 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (!seen.add(name)) return null;
        if (name.equals(FLAG) && value == null) {
          c.tlsSelfSigned = true;
          continue;
        }
        if (!VALUED.contains(name)) return null;
        if (value == null) {
          if (i + 1 == args.length) return null;
          value = args[++i];
        }
        if (value.isEmpty() || value.startsWith("-") || value.startsWith("@")) return null;
        switch (name) {
          case "--listen" -> c.listen = value;
          case "--data" -> c.data = Path.of(value);
          case "--config" -> c.config = Path.of(value);
          case "--auth" -> c.auth = value;
          case "--tls-cert" -> c.tlsCert = Path.of(value);
          case "--tls-key" -> c.tlsKey = Path.of(value);
          default -> {
            return null;
          }
        }
      }
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
    return c;
  }

  @Override
  public Integer call() throws Exception {
    start(System.getenv()).join();
    return 0;
  }

  /**
   * Starts the server with these options and {@code env} (BERTH_CONFIG and the BERTH_* settings),
   * prints where it listens, and returns it running.
   */
  BerthServer start(java.util.Map<String, String> env) throws Exception {
    ServeSettings s = new ServeSettings();
    Path cfg = config != null ? config : env.get("BERTH_CONFIG") != null ? Path.of(env.get("BERTH_CONFIG")) : null;
    if (cfg != null) s.loadFile(cfg);
    s.loadEnv(env);
    if (listen != null) s.set("listen", listen, "--listen");
    if (data != null) s.set("data", data.toString(), "--data");
    if (auth != null) s.set("auth", auth, "--auth");
    if (tlsCert != null) s.set("tls.cert", tlsCert.toString(), "--tls-cert");
    if (tlsKey != null) s.set("tls.key", tlsKey.toString(), "--tls-key");
    if (tlsSelfSigned) s.set("tls.self-signed", "true", "--tls-self-signed");
    ServerConfig c = s.resolve();
    BerthServer server;
    try {
      server = BerthServer.start(c);
    } catch (java.io.IOException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      if (root instanceof java.net.BindException) {
        throw new UserError("cannot listen on " + c.host() + ":" + c.port() + ": " + root.getMessage()
            + " (another process has the port? choose another with --listen HOST:PORT)", 1);
      }
      throw new UserError("cannot start: " + e.getMessage(), 1);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("berth: error while stopping: " + e);
      }
    }, "berth-shutdown"));
    System.out.println("berth: listening on " + server.baseUri() + " (data: " + c.dataDir() + ", storage: " + c.storageDriver()
        + ", metadata: sqlite, auth: " + c.auth().mode() + ")");
    if (c.tls().selfSigned()) {
      Path crt = dev.berth.server.Tls.selfSignedCert(c.dataDir());
      String hostPort = server.baseUri().getAuthority();
      System.out.println("berth: HTTPS with a self-signed certificate: " + crt);
      System.out.println("berth: make docker trust it: mkdir -p /etc/docker/certs.d/" + hostPort + " && cp " + crt + " /etc/docker/certs.d/" + hostPort + "/ca.crt");
      System.out.println("berth: skopeo/podman: --cert-dir /etc/docker/certs.d/" + hostPort + "; curl: --cacert " + crt);
    }
    if (c.auth().mode().equals("none")) {
      System.out.println("berth: WARNING: authentication is OFF (--auth none): anyone who can reach this port can push, pull and delete. Use it only on a private machine.");
    } else if (server.initialAdminPassword() != null) {
      System.out.println("berth: created user \"admin\" with password: " + server.initialAdminPassword());
      System.out.println("berth: this password is shown only once. Log in with: docker login " + server.baseUri().getAuthority() + " -u admin");
      System.out.println("berth: then give others access, e.g.: berth user add ci-bot && berth grant push hoge/fuga ci-bot");
    }
    System.out.flush();
    return server;
  }
}
