package dev.berth.cli;

import dev.berth.server.ServerConfig;
import dev.berth.storage.StorageDriverFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the settings of {@code berth serve} from, lowest precedence first: defaults, the config
 * file ({@code --config} or {@code BERTH_CONFIG}), {@code BERTH_*} environment variables, flags.
 * Unknown keys and bad values are errors that name the key and where it came from.
 *
 * <p>The config file is {@code key = value} lines ('#' comments). Keys: see {@link #KEYS}.
 * Environment variable names are the keys upper-cased with '.' as '_' and a {@code BERTH_} prefix.
 */
final class ServeSettings {
  static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    KEYS.put("listen", "address to listen on, HOST:PORT (default 127.0.0.1:5000)");
    KEYS.put("data", "data directory: SQLite metadata and, with the filesystem driver, blobs (default ./berth-data)");
    KEYS.put("auth", "access control: token (default: Bearer tokens from /token, Basic also accepted), basic, or none (no access control at all)");
    KEYS.put("auth.realm", "token endpoint URL to advertise in challenges (default: derived from each request's Host, http(s)://HOST/token)");
    KEYS.put("auth.service", "service name in challenges and tokens (default berth)");
    KEYS.put("auth.token.ttl", "lifetime of access tokens, e.g. 5m (default 5m)");
    KEYS.put("tls.cert", "PEM certificate (chain) file: serve HTTPS");
    KEYS.put("tls.key", "PEM private key file of tls.cert");
    KEYS.put("tls.self-signed", "true: serve HTTPS with a self-signed certificate made once and kept in the data directory");
    KEYS.put("clients.minimum", "refuse clients older than these, e.g. docker-cli=17.05,docker-daemon=18.09 (default: none)");
    KEYS.put("storage.driver", "storage driver: filesystem (default)");
    KEYS.put("uploads.expiry", "how long an idle upload session lives, e.g. 24h, 30m (default 24h)");
    KEYS.put("cache.manifests", "memory for cached manifests, e.g. 64MiB (default 64MiB)");
  }

  /** Environment variables that are not settings but are read by the launcher or later features. */
  private static final Set<String> OTHER_ENV = Set.of("BERTH_CONFIG", "BERTH_JAVA_OPTS", "BERTH_JAVA_HOME", "BERTH_ADMIN_PASSWORD", "BERTH_HOME", "BERTH_JAR", "BERTH_ACCESS_LOG", "BERTH_AOT");

  private final Map<String, String> values = new LinkedHashMap<>();
  private String adminPassword;
  private final Map<String, String> origins = new LinkedHashMap<>();

  void set(String key, String value, String origin) {
    values.put(key, value);
    origins.put(key, origin);
  }

  void loadFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UserError("config file " + file + " does not exist or is not a file");
    }
    var props = new java.util.Properties() {
      private static final long serialVersionUID = 1L;
      final Map<String, String> ordered = new LinkedHashMap<>();

      @Override
      public synchronized Object put(Object k, Object v) {
        ordered.put((String) k, (String) v);
        return super.put(k, v);
      }
    };
    try (Reader r = Files.newBufferedReader(file)) {
      props.load(r);
    } catch (IOException e) {
      throw new UserError("cannot read config file " + file + ": " + e.getMessage());
    }
    props.ordered.forEach((k, v) -> set(k.trim(), v.trim(), "config file " + file));
  }

  void loadEnv(Map<String, String> env) {
    for (var e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (name.equals("BERTH_ADMIN_PASSWORD")) adminPassword = e.getValue();
      if (!name.startsWith("BERTH_") || OTHER_ENV.contains(name) || name.startsWith("BERTH_REGISTRY_")) continue;
      String key = name.substring(6).toLowerCase(Locale.ROOT).replace('_', '.');
      for (String k : KEYS.keySet()) {
        if (k.replace('-', '.').equals(key)) key = k;
      }
      set(key, e.getValue(), "environment variable " + name);
    }
  }

  ServerConfig resolve() {
    for (String k : values.keySet()) {
      if (!KEYS.containsKey(k) && !k.startsWith("storage.")) {
        throw new UserError("unknown setting \"" + k + "\" (from " + origins.get(k) + "); known settings: "
            + String.join(", ", KEYS.keySet()) + ", storage.<driver>.<key>");
      }
    }
    Path data = Path.of(values.getOrDefault("data", "berth-data")).toAbsolutePath().normalize();
    String listen = values.getOrDefault("listen", "127.0.0.1:" + ServerConfig.DEFAULT_PORT);
    Matcher m = Pattern.compile("^(?:(\\[[0-9a-fA-F:.]+\\]|[^:\\[\\]]*):)?(\\d{1,5})$").matcher(listen);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      throw bad("listen", "\"" + listen + "\" is not HOST:PORT (for example 127.0.0.1:5000, 0.0.0.0:5000 or :5000)");
    }
    String host = m.group(1) == null || m.group(1).isEmpty() ? "0.0.0.0" : m.group(1).replace("[", "").replace("]", "");
    int port = Integer.parseInt(m.group(2));
    String auth = values.getOrDefault("auth", "token");
    if (!java.util.Set.of("none", "token", "basic").contains(auth)) {
      throw bad("auth", "\"" + auth + "\" is not a mode; use token (default), basic or none");
    }
    Duration tokenTtl = duration("auth.token.ttl", values.getOrDefault("auth.token.ttl", "5m"));
    String realm = values.get("auth.realm");
    if (realm != null && !realm.matches("^https?://\\S+$")) {
      throw bad("auth.realm", "\"" + realm + "\" is not an http(s) URL");
    }
    String service = values.getOrDefault("auth.service", "berth");
    ServerConfig.Auth authConfig = new ServerConfig.Auth(auth, realm, service, tokenTtl, adminPassword);
    String driverName = values.getOrDefault("storage.driver", "filesystem");
    StorageDriverFactory factory;
    try {
      factory = StorageDriverFactory.find(driverName);
    } catch (IllegalArgumentException e) {
      throw bad("storage.driver", e.getMessage());
    }
    Map<String, String> driverConfig = new LinkedHashMap<>();
    if (driverName.equals("filesystem")) {
      driverConfig.put("root", data.resolve("storage").toString());
    }
    String prefix = "storage." + driverName + ".";
    for (var e : values.entrySet()) {
      String k = e.getKey();
      if (!k.startsWith("storage.") || k.equals("storage.driver")) continue;
      if (!k.startsWith(prefix)) {
        throw bad(k, "it configures a storage driver other than the one in use (" + driverName + ")");
      }
      String sub = k.substring(prefix.length());
      if (!factory.keys().contains(sub)) {
        throw bad(k, "the " + driverName + " driver has no setting \"" + sub + "\"; it has: " + String.join(", ", new java.util.TreeSet<>(factory.keys())));
      }
      driverConfig.put(sub, e.getValue());
    }
    ServerConfig.Tls tls = ServerConfig.Tls.OFF;
    boolean selfSigned = bool("tls.self-signed", values.getOrDefault("tls.self-signed", "false"));
    String cert = values.get("tls.cert");
    String key = values.get("tls.key");
    if (selfSigned && cert != null) throw bad("tls.self-signed", "cannot be combined with tls.cert: choose your certificate or a self-signed one");
    if (cert != null || key != null) {
      if (cert == null) throw bad("tls.key", "needs tls.cert (--tls-cert) too");
      if (key == null) throw bad("tls.cert", "needs tls.key (--tls-key) too");
      for (String k : new String[] {"tls.cert", "tls.key"}) {
        if (!java.nio.file.Files.isReadable(Path.of(values.get(k)))) throw bad(k, "file " + values.get(k) + " does not exist or cannot be read");
      }
      tls = new ServerConfig.Tls(Path.of(cert).toAbsolutePath(), Path.of(key).toAbsolutePath(), false);
    } else if (selfSigned) {
      tls = new ServerConfig.Tls(null, null, true);
    }
    dev.berth.server.auth.MinimumClients minimum;
    try {
      minimum = dev.berth.server.auth.MinimumClients.parse(values.get("clients.minimum"));
    } catch (IllegalArgumentException e) {
      throw bad("clients.minimum", e.getMessage());
    }
    Duration expiry = duration("uploads.expiry", values.getOrDefault("uploads.expiry", "24h"));
    long cache = bytes("cache.manifests", values.getOrDefault("cache.manifests", "64MiB"));
    return new ServerConfig(host, port, data, driverName, Map.copyOf(driverConfig), expiry, cache, authConfig, tls, minimum);
  }

  private UserError bad(String key, String why) {
    String origin = origins.get(key);
    return new UserError("setting \"" + key + "\"" + (origin == null ? "" : " (from " + origin + ")") + ": " + why);
  }

  Duration duration(String key, String s) {
    Matcher m = Pattern.compile("^(\\d+)\\s*(ms|s|m|h|d)$").matcher(s.trim());
    if (!m.matches()) {
      throw bad(key, "\"" + s + "\" is not a duration such as 90s, 30m, 24h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    Duration d = switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
    if (d.isZero()) throw bad(key, "must be more than zero");
    return d;
  }

  boolean bool(String key, String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw bad(key, "\"" + s + "\" is not true or false");
    };
  }

  long bytes(String key, String s) {
    Matcher m = Pattern.compile("^(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?$").matcher(s.trim());
    if (!m.matches()) {
      throw bad(key, "\"" + s + "\" is not a size such as 512KiB, 64MiB or 1GiB");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    return switch (unit) {
      case "KiB" -> n << 10;
      case "MiB" -> n << 20;
      case "GiB" -> n << 30;
      case "KB" -> n * 1000;
      case "MB" -> n * 1000_000;
      case "GB" -> n * 1000_000_000;
      default -> n;
    };
  }
}
