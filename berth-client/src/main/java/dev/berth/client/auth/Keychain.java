package dev.berth.client.auth;

import java.util.Optional;

/**
 * Finds the credential for a registry host ({@code host[:port]}, {@code docker.io} for Docker
 * Hub). Empty means "go anonymous". Implementations are thread-safe.
 */
@FunctionalInterface
public interface Keychain {
  Optional<Credential> resolve(String registry);

  Keychain ANONYMOUS = registry -> Optional.empty();

  /** The first keychain that has a credential wins. */
  static Keychain chain(Keychain... keychains) {
    return registry -> {
      for (Keychain k : keychains) {
        Optional<Credential> c = k.resolve(registry);
        if (c.isPresent()) return c;
      }
      return Optional.empty();
    };
  }
}
