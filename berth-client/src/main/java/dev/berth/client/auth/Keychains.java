package dev.berth.client.auth;

import java.util.Map;

/** The keychain berth uses by default. */
public final class Keychains {
  private Keychains() {}

  /**
   * Lookup order: environment ({@code BERTH_REGISTRY_USER}/{@code BERTH_REGISTRY_PASSWORD}, see
   * {@link EnvKeychain}), then docker's {@code config.json} (credHelpers, credsStore, auths; see
   * {@link DockerConfig}), then anonymous.
   */
  public static Keychain defaults(Map<String, String> env) {
    return Keychain.chain(new EnvKeychain(env), DockerConfig.locate(env));
  }
}
