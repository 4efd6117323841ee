package dev.berth.client.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials from the environment, for CI jobs that should not write a config file:
 * {@code BERTH_REGISTRY_USER} and {@code BERTH_REGISTRY_PASSWORD}, applied to the registries listed
 * in {@code BERTH_REGISTRY} (comma-separated {@code host[:port]}; {@code docker.io} for Docker
 * Hub). Without {@code BERTH_REGISTRY} they are not used at all: a job's secret must never reach
 * another registry (say Docker Hub, when a base image is pulled from there).
 */
public final class EnvKeychain implements Keychain {
  public static final String USER = "BERTH_REGISTRY_USER";
  public static final String PASSWORD = "BERTH_REGISTRY_PASSWORD";
  public static final String REGISTRY = "BERTH_REGISTRY";

  private final Map<String, String> env;

  public EnvKeychain(Map<String, String> env) {
    this.env = env;
  }

  @Override
  public Optional<Credential> resolve(String registry) {
    String user = env.get(USER);
    String password = env.get(PASSWORD);
    if (user == null || user.isEmpty() || password == null) return Optional.empty();
    String only = env.get(REGISTRY);
    if (only == null || only.isBlank()) return Optional.empty();
    {
      String want = DockerConfig.normalizeKey(registry);
      boolean match = Arrays.stream(only.split(","))
          .map(String::trim).filter(s -> !s.isEmpty())
          .anyMatch(s -> DockerConfig.normalizeKey(s).equals(want));
      if (!match) return Optional.empty();
    }
    return Optional.of(Credential.basic(user, password, "environment " + USER + "/" + PASSWORD
        + " (" + REGISTRY.toLowerCase(Locale.ROOT) + "=" + only + ")"));
  }
}
