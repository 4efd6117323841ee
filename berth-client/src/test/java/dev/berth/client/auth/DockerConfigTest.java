package dev.berth.client.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void store_writesDockersFormat_keepsUnknownFields_andResolvesHubAliases(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"proxies\":{\"default\":{\"httpProxy\":\"x\"}},\"auths\":{}}");
    DockerConfig cfg = DockerConfig.locate(Map.of("DOCKER_CONFIG", dir.toString()));
    cfg.store("docker.io", Credential.basic("me", "pw:with:colons", "test"));
    var root = JSON.readTree(dir.resolve("config.json").toFile());
    assertThat(root.path("proxies").path("default").path("httpProxy").asText()).isEqualTo("x");
    assertThat(root.path("auths").has("https://index.docker.io/v1/")).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("config.json")))).isEqualTo("rw-------");
    Credential c = cfg.resolve("index.docker.io").orElseThrow();
    assertThat(c.username()).isEqualTo("me");
    assertThat(c.password()).isEqualTo("pw:with:colons");
    assertThat(c.toString()).doesNotContain("pw");
    assertThat(cfg.erase("docker.io")).isTrue();
    assertThat(cfg.resolve("docker.io")).isEmpty();
  }

  @Test
  void credHelpers_speakTheHelperProtocol(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path store = dir.resolve("store");
    // A real helper program: keeps one secret in a file, as docker-credential-* helpers do.
    Path helper = bin.resolve("docker-credential-file");
    Files.writeString(helper, """
        #!/bin/sh
        case "$1" in
          store) cat > "%s" ;;
          get) read url; if [ -s "%s" ]; then cat "%s"; else echo "credentials not found in native keychain"; exit 1; fi ;;
          erase) rm -f "%s" ;;
        esac
        """.formatted(store, store, store, store));
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("config.json"), "{\"credHelpers\":{\"registry.example.com\":\"file\"}}");
    Map<String, String> env = Map.of("DOCKER_CONFIG", dir.toString(), "PATH", bin + ":/usr/bin:/bin");
    DockerConfig cfg = DockerConfig.locate(env);
    assertThat(cfg.resolve("registry.example.com")).isEmpty();
    cfg.store("registry.example.com", Credential.basic("bot", "s3cret", "test"));
    assertThat(Files.readString(dir.resolve("config.json"))).doesNotContain("s3cret");
    Credential c = Keychains.defaults(env).resolve("registry.example.com").orElseThrow();
    assertThat(c.username()).isEqualTo("bot");
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.source()).contains("docker-credential-file");
    assertThat(cfg.resolve("other.example.com")).isEmpty();
  }

  @Test
  void envCredentials_comeFirst_andOnlyForTheirRegistry() {
    Map<String, String> env = Map.of("BERTH_REGISTRY_USER", "ci", "BERTH_REGISTRY_PASSWORD", "tok", "BERTH_REGISTRY", "a.example.com, b.example.com:5000",
        "DOCKER_CONFIG", "/nonexistent");
    Keychain k = Keychains.defaults(env);
    assertThat(k.resolve("b.example.com:5000")).map(Credential::username).contains("ci");
    assertThat(k.resolve("c.example.com")).isEmpty();
  }

  @Test
  void envCredentials_withoutBerthRegistry_goNowhere() {
    Map<String, String> env = Map.of("BERTH_REGISTRY_USER", "ci", "BERTH_REGISTRY_PASSWORD", "tok", "DOCKER_CONFIG", "/nonexistent");
    assertThat(Keychains.defaults(env).resolve("registry-1.docker.io")).isEmpty();
  }
}
