package dev.berth.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The docker CLI's {@code config.json}, shared with docker so that a login made by either works
 * for both. Found in {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}.
 *
 * <p>Lookup for a registry: {@code credHelpers[registry]} (a helper for that one registry), else
 * {@code credsStore} (a helper for all), else {@code auths[registry].auth} (base64
 * {@code user:password}) or {@code identitytoken}. Registry keys are compared after normalising:
 * scheme and path dropped, lowercased, and Docker Hub's names ({@code index.docker.io},
 * {@code registry-1.docker.io}, {@code https://index.docker.io/v1/}) all mean {@code docker.io}.
 *
 * <p>Writes keep every field berth does not know (proxies, plugins, currentContext…), go to a
 * temporary file first and are renamed into place, with mode 0600.
 */
public final class DockerConfig implements Keychain {
  /** The key docker uses for Docker Hub in {@code auths} and with helpers. */
  public static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final Map<String, String> env;

  public DockerConfig(Path file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  /** The config docker would use with this environment. */
  public static DockerConfig locate(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    Path base = dir != null && !dir.isEmpty() ? Path.of(dir)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".docker");
    return new DockerConfig(base.resolve("config.json"), env);
  }

  public Path file() {
    return file;
  }

  /** {@code host[:port]} lowercased; Docker Hub's aliases become {@code docker.io}. */
  public static String normalizeKey(String key) {
    String k = key.trim().toLowerCase(Locale.ROOT);
    int scheme = k.indexOf("://");
    if (scheme >= 0) k = k.substring(scheme + 3);
    int slash = k.indexOf('/');
    if (slash >= 0) k = k.substring(0, slash);
    if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) k = "docker.io";
    return k;
  }

  /** The key docker would write for this registry. */
  public static String keyFor(String registry) {
    String n = normalizeKey(registry);
    return n.equals("docker.io") ? DOCKER_HUB_KEY : n;
  }

  @Override
  public Optional<Credential> resolve(String registry) {
    ObjectNode root = read();
    String want = normalizeKey(registry);
    JsonNode helpers = root.path("credHelpers");
    for (Iterator<Map.Entry<String, JsonNode>> it = helpers.fields(); it.hasNext(); ) {
      var e = it.next();
      if (normalizeKey(e.getKey()).equals(want) && e.getValue().isTextual()) {
        return new CredentialHelper(e.getValue().asText(), env).get(helperKey(root, registry));
      }
    }
    String store = root.path("credsStore").asText("");
    if (!store.isEmpty()) {
      Optional<Credential> c = new CredentialHelper(store, env).get(helperKey(root, registry));
      if (c.isPresent()) return c;
    }
    Map.Entry<String, JsonNode> entry = findAuth(root, want);
    if (entry == null) return Optional.empty();
    JsonNode a = entry.getValue();
    String source = file.toString();
    String idToken = a.path("identitytoken").asText("");
    String auth = a.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw ClientException.of(Category.AUTH, "read the login for " + registry + " from " + file,
            "its \"auth\" field is not valid base64", "log in again: berth login " + registry);
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw ClientException.of(Category.AUTH, "read the login for " + registry + " from " + file,
            "its \"auth\" field does not decode to user:password", "log in again: berth login " + registry);
      }
      String user = decoded.substring(0, colon);
      String pass = decoded.substring(colon + 1);
      return Optional.of(new Credential(user, pass, idToken.isEmpty() ? null : idToken, source));
    }
    if (!idToken.isEmpty()) return Optional.of(new Credential(null, null, idToken, source));
    String user = a.path("username").asText("");
    String pass = a.path("password").asText("");
    if (!user.isEmpty()) return Optional.of(Credential.basic(user, pass, source));
    return Optional.empty();
  }

  /** Stores a login, in the helper config.json names for it or else in {@code auths}. Returns where it went. */
  public String store(String registry, Credential c) {
    ObjectNode root = read();
    String helper = helperFor(root, registry);
    ObjectNode auths = root.has("auths") && root.get("auths").isObject() ? (ObjectNode) root.get("auths") : root.putObject("auths");
    String key = existingKey(root, registry);
    if (helper != null) {
      new CredentialHelper(helper, env).store(key, c);
      // docker keeps an empty entry so that it knows which registries it is logged in to.
      auths.set(key, JSON.createObjectNode());
      write(root);
      return "credential helper docker-credential-" + helper;
    }
    ObjectNode entry = JSON.createObjectNode();
    if (c.username() != null) entry.put("auth", Credential.base64(c.username() + ":" + (c.password() == null ? "" : c.password())));
    if (c.hasIdentityToken()) entry.put("identitytoken", c.identityToken());
    auths.set(key, entry);
    write(root);
    return file.toString();
  }

  /** Removes a login; returns false when there was none. */
  public boolean erase(String registry) {
    ObjectNode root = read();
    String helper = helperFor(root, registry);
    String key = existingKey(root, registry);
    boolean had = false;
    if (helper != null) {
      new CredentialHelper(helper, env).erase(key);
      had = true;
    }
    JsonNode auths = root.get("auths");
    if (auths instanceof ObjectNode o) {
      Map.Entry<String, JsonNode> e = findAuth(root, normalizeKey(registry));
      if (e != null) {
        o.remove(e.getKey());
        had = true;
      }
    }
    if (had) write(root);
    return had;
  }

  private String helperFor(ObjectNode root, String registry) {
    String want = normalizeKey(registry);
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("credHelpers").fields(); it.hasNext(); ) {
      var e = it.next();
      if (normalizeKey(e.getKey()).equals(want)) return e.getValue().asText();
    }
    String store = root.path("credsStore").asText("");
    return store.isEmpty() ? null : store;
  }

  private String helperKey(ObjectNode root, String registry) {
    return existingKey(root, registry);
  }

  private String existingKey(ObjectNode root, String registry) {
    Map.Entry<String, JsonNode> e = findAuth(root, normalizeKey(registry));
    return e != null ? e.getKey() : keyFor(registry);
  }

  private static Map.Entry<String, JsonNode> findAuth(ObjectNode root, String want) {
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("auths").fields(); it.hasNext(); ) {
      var e = it.next();
      if (normalizeKey(e.getKey()).equals(want)) return e;
    }
    return null;
  }

  private ObjectNode read() {
    if (!Files.exists(file)) return JSON.createObjectNode();
    try {
      JsonNode n = JSON.readTree(file.toFile());
      if (n == null || n.isMissingNode()) return JSON.createObjectNode();
      if (!n.isObject()) throw new IOException("not a JSON object");
      return (ObjectNode) n;
    } catch (IOException e) {
      throw ClientException.builder(Category.LOCAL_IO, "read " + file)
          .why("it is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""))
          .remedy("fix or remove the file (docker and berth both use it; DOCKER_CONFIG picks another directory)")
          .cause(e).build();
    }
  }

  private void write(ObjectNode root) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".config.json.", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // not a POSIX file system
        }
        Files.write(tmp, JSON.writeValueAsBytes(root));
        try {
          Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw ClientException.builder(Category.LOCAL_IO, "write " + file).why(e.toString())
          .remedy("check that the directory is writable, or point DOCKER_CONFIG at one that is").cause(e).build();
    }
  }
}
