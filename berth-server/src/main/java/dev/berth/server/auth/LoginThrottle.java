package dev.berth.server.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down repeated failed logins from one address: after {@link #FREE_FAILURES} failures, each
 * further attempt must wait twice as long as the last (1 s, 2 s, 4 s … up to 5 minutes). A success
 * clears the address; entries idle for an hour are forgotten.
 */
public final class LoginThrottle {
  static final int FREE_FAILURES = 10;
  private static final Duration MAX_DELAY = Duration.ofMinutes(5);

  private final Clock clock;
  private final Map<String, State> byAddress = new ConcurrentHashMap<>();

  private static final class State {
    int failures;
    Instant blockedUntil = Instant.EPOCH;
    Instant last = Instant.EPOCH;
  }

  public LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** When the address may try again, or null when it may try now. */
  public Instant blockedUntil(String address) {
    State s = byAddress.get(address);
    if (s == null) return null;
    synchronized (s) {
      Instant now = clock.instant();
      return s.blockedUntil.isAfter(now) ? s.blockedUntil : null;
    }
  }

  public int failures(String address) {
    State s = byAddress.get(address);
    return s == null ? 0 : s.failures;
  }

  public void failed(String address) {
    Instant now = clock.instant();
    if (byAddress.size() > 10_000) {
      byAddress.entrySet().removeIf(e -> e.getValue().last.isBefore(now.minus(Duration.ofHours(1))));
    }
    State s = byAddress.computeIfAbsent(address, a -> new State());
    synchronized (s) {
      s.failures++;
      s.last = now;
      if (s.failures >= FREE_FAILURES) {
        long seconds = 1L << Math.min(20, s.failures - FREE_FAILURES);
        Duration d = Duration.ofSeconds(seconds);
        s.blockedUntil = now.plus(d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d);
      }
    }
  }

  public void succeeded(String address) {
    byAddress.remove(address);
  }
}
