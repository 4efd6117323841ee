package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns credentials into a {@link Principal}, or into an {@link AuthFailure} that says exactly
 * why not: unknown user, wrong password, expired or revoked CI token. Passwords are bcrypt, so a
 * successful check is remembered (by a hash of the password) for a few minutes, and forgotten as
 * soon as the password changes.
 */
public final class Authenticator {
  /** CI token secrets start with this, so they are recognised whatever the username. */
  public static final String CI_TOKEN_PREFIX = "berth_ci_";
  private static final Duration CACHE_TTL = Duration.ofMinutes(5);

  private final AuthStore store;
  private final Clock clock;
  private final Map<String, Cached> verified = new ConcurrentHashMap<>();

  private record Cached(String passwordHash, Instant until) {}

  public Authenticator(AuthStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Decodes an {@code Authorization: Basic} value into user and password; null when malformed. */
  public static String[] decodeBasic(String value) {
    try {
      String s = new String(Base64.getDecoder().decode(value.trim()), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      if (colon < 0) return null;
      return new String[] {s.substring(0, colon), s.substring(colon + 1)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Checks a username and password (or a CI token as password). */
  public Principal login(String username, String password) throws AuthFailure {
    if (password.startsWith(CI_TOKEN_PREFIX)) {
      return ciToken(password);
    }
    Optional<AuthStore.User> u = store.user(username);
    String cacheKey = username + "\u0000" + Passwords.sha256(password);
    Cached c = verified.get(cacheKey);
    if (u.isPresent() && c != null && c.until.isAfter(clock.instant()) && c.passwordHash.equals(u.get().passwordHash())) {
      return Principal.user(username, u.get().robot());
    }
    if (u.isEmpty()) {
      Passwords.verify(password.toCharArray(), null); // same time as a real check
      throw new AuthFailure("unknown_user", "user \"" + username + "\"",
          "login failed: there is no user \"" + username + "\" on this registry",
          "check the username, or ask an admin to create it: berth user add " + username);
    }
    if (!Passwords.verify(password.toCharArray(), u.get().passwordHash())) {
      throw new AuthFailure("wrong_password", "user \"" + username + "\"",
          "login failed for user \"" + username + "\": wrong password",
          "check the password your client sends (docker login / berth login stores it); an admin can reset it: berth user passwd " + username);
    }
    if (verified.size() > 10_000) verified.clear();
    verified.put(cacheKey, new Cached(u.get().passwordHash(), clock.instant().plus(CACHE_TTL)));
    return Principal.user(username, u.get().robot());
  }

  private Principal ciToken(String secret) throws AuthFailure {
    Optional<AuthStore.Token> t = store.tokenBySecretHash(Passwords.sha256(secret));
    if (t.isEmpty()) {
      throw new AuthFailure("token_unknown", "a CI token",
          "login failed: the CI token presented is not known to this registry (mistyped, or from another registry)",
          "create one: berth token create --ci --push NAMESPACE --ttl 1h");
    }
    return checkToken(t.get());
  }

  private Principal checkToken(AuthStore.Token t) throws AuthFailure {
    String who = "CI token #" + t.id() + " of user \"" + t.owner() + "\"";
    if (t.revoked() != null) {
      throw new AuthFailure("token_revoked", who, who + " was revoked at " + t.revoked(),
          "create a new one: berth token create --ci --" + String.join(" --", t.actions()) + " " + t.namespace() + " --ttl 1h");
    }
    if (!t.expires().isAfter(clock.instant())) {
      throw new AuthFailure("token_expired", who, who + " expired at " + t.expires() + " (it was created at " + t.created() + ")",
          "create a new one for this job: berth token create --ci --" + String.join(" --", t.actions()) + " " + t.namespace() + " --ttl 1h");
    }
    return Principal.ciToken(t.id(), t.owner(), t.actions(), t.namespace());
  }

  /**
   * The principal a verified token's subject names, checked to still be valid: the user still
   * exists (and, for refresh tokens, has not changed password since), the CI token is neither
   * revoked nor expired.
   */
  public Principal fromSubject(String subject, Instant issued, boolean refresh) throws AuthFailure {
    if (subject.equals("anonymous")) return Principal.ANONYMOUS;
    if (subject.startsWith("user:")) {
      String name = subject.substring(5);
      Optional<AuthStore.User> u = store.user(name);
      if (u.isEmpty()) {
        throw new AuthFailure("unknown_user", "user \"" + name + "\"", "the token was issued to user \"" + name + "\", which no longer exists",
            "log in again with an existing user");
      }
      if (refresh && issued != null && u.get().passwordChanged().isAfter(issued.plusSeconds(1))) {
        throw new AuthFailure("password_changed", "user \"" + name + "\"",
            "the login of user \"" + name + "\" is from before its password was changed (" + u.get().passwordChanged() + ")",
            "log in again: docker login / berth login");
      }
      return Principal.user(name, u.get().robot());
    }
    if (subject.startsWith("token:")) {
      long id;
      try {
        id = Long.parseLong(subject.substring(6));
      } catch (NumberFormatException e) {
        throw new AuthFailure("token_malformed", "a token", "the token names an invalid subject", "log in again");
      }
      Optional<AuthStore.Token> t = store.token(id);
      if (t.isEmpty()) {
        throw new AuthFailure("token_unknown", "CI token #" + id, "CI token #" + id + " no longer exists", "create a new one: berth token create --ci");
      }
      return checkToken(t.get());
    }
    throw new AuthFailure("token_malformed", "a token", "the token names an unknown subject kind", "log in again");
  }
}
