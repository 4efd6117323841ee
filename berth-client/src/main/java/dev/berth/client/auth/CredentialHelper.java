package dev.berth.client.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Talks to a docker credential helper ({@code docker-credential-<name>}) with its subprocess
 * protocol: the action as the only argument ({@code get}, {@code store}, {@code erase}), the
 * input on stdin (the server URL, or for store a JSON object {@code ServerURL/Username/Secret}),
 * the answer on stdout. A helper that says "credentials not found" is a miss, not an error.
 * The helper's stderr is never echoed: some helpers print secrets in their diagnostics.
 */
public final class CredentialHelper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 60;

  private final String name;
  private final Map<String, String> env;

  public CredentialHelper(String name, Map<String, String> env) {
    this.name = name;
    this.env = env;
  }

  public String program() {
    return "docker-credential-" + name;
  }

  public Optional<Credential> get(String serverUrl) {
    Result r = run("get", serverUrl.getBytes(StandardCharsets.UTF_8));
    if (r.exit != 0) {
      if (r.out.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) return Optional.empty();
      throw failure("get", r);
    }
    try {
      JsonNode n = JSON.readTree(r.out);
      String user = n.path("Username").asText("");
      String secret = n.path("Secret").asText("");
      if (secret.isEmpty()) return Optional.empty();
      String source = "credential helper " + program();
      if (Credential.TOKEN_USER.equals(user)) return Optional.of(new Credential(null, null, secret, source));
      return Optional.of(Credential.basic(user, secret, source));
    } catch (IOException e) {
      throw ClientException.of(Category.AUTH, "read credentials from " + program(),
          "its answer is not the JSON object {ServerURL, Username, Secret} the helper protocol defines",
          "check the helper with: echo " + serverUrl + " | " + program() + " get");
    }
  }

  public void store(String serverUrl, Credential c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("ServerURL", serverUrl);
    n.put("Username", c.hasIdentityToken() ? Credential.TOKEN_USER : c.username());
    n.put("Secret", c.hasIdentityToken() ? c.identityToken() : c.password());
    Result r = run("store", n.toString().getBytes(StandardCharsets.UTF_8));
    if (r.exit != 0) throw failure("store", r);
  }

  public void erase(String serverUrl) {
    Result r = run("erase", serverUrl.getBytes(StandardCharsets.UTF_8));
    if (r.exit != 0 && !r.out.toLowerCase(java.util.Locale.ROOT).contains("not found")) throw failure("erase", r);
  }

  private ClientException failure(String action, Result r) {
    String firstLine = r.out.strip().lines().findFirst().orElse("");
    // The helper's stdout on failure is its error message (protocol); keep it short and never log stderr.
    return ClientException.of(Category.AUTH, "credential helper " + program() + " " + action + " failed",
        "exit code " + r.exit + (firstLine.isEmpty() ? "" : ": " + (firstLine.length() > 200 ? firstLine.substring(0, 200) : firstLine)),
        "check that " + program() + " works on its own, or remove \"credsStore\"/\"credHelpers\" from config.json");
  }

  private record Result(int exit, String out) {}

  private Result run(String action, byte[] input) {
    Path exe = find();
    ProcessBuilder pb = new ProcessBuilder(exe.toString(), action);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    try {
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(input);
      }
      byte[] out;
      try (InputStream s = p.getInputStream()) {
        out = s.readNBytes(1 << 20);
      }
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw ClientException.of(Category.AUTH, "credential helper " + program() + " " + action,
            "it did not finish within " + TIMEOUT_SECONDS + "s (is it waiting for a GUI prompt or a locked keyring?)",
            "unlock the keyring, or use credentials from the environment (BERTH_REGISTRY_USER/BERTH_REGISTRY_PASSWORD) in CI");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw ClientException.builder(Category.AUTH, "run credential helper " + exe).why(e.getMessage()).cause(e).build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClientException.of(Category.AUTH, "credential helper " + program() + " " + action, "interrupted", null);
    }
  }

  private Path find() {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path p = Path.of(dir, program());
      if (Files.isExecutable(p)) return p;
    }
    throw ClientException.of(Category.AUTH, "find credential helper " + program(),
        "config.json names the helper \"" + name + "\" but " + program() + " is not on the PATH",
        "install " + program() + ", or remove it from \"credsStore\"/\"credHelpers\" in config.json");
  }
}
