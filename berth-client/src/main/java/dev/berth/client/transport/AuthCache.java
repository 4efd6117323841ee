package dev.berth.client.transport;

import dev.berth.client.auth.Credential;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the client learned about authenticating, shared by all transports of one client: each
 * registry's challenge (so that later requests authenticate up front instead of collecting a 401
 * first), the credential found for it, and bearer tokens per realm, service, scope set and user,
 * until shortly before they expire.
 */
public final class AuthCache {
  private final Map<String, Challenge> challenges = new ConcurrentHashMap<>();
  private final Map<String, Optional<Credential>> credentials = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  /** A bearer token and when to stop using it. */
  public record Token(String value, Instant expires) {
    boolean fresh() {
      return Instant.now().isBefore(expires);
    }
  }

  Challenge challenge(String registry) {
    return challenges.get(registry);
  }

  public void learn(String registry, Challenge c) {
    challenges.put(registry, c);
  }

  Optional<Credential> credential(String registry, java.util.function.Function<String, Optional<Credential>> lookup) {
    return credentials.computeIfAbsent(registry, lookup);
  }

  Token token(String key) {
    Token t = tokens.get(key);
    return t != null && t.fresh() ? t : null;
  }

  void put(String key, Token t) {
    tokens.put(key, t);
  }

  void forget(String key) {
    tokens.remove(key);
  }

  /** Drops everything known about a registry (after a login changes the credential). */
  public void reset(String registry) {
    challenges.remove(registry);
    credentials.remove(registry);
    tokens.keySet().removeIf(k -> k.startsWith(registry + "|"));
  }
}
