package dev.berth.client.transport;

import java.time.Duration;

/**
 * How often and how patiently idempotent requests are retried on 429, 5xx and network errors:
 * exponential backoff from {@code initialDelay}, doubled each time, capped at {@code maxDelay},
 * with jitter; a {@code Retry-After} from the registry wins (up to a minute).
 *
 * @param maxAttempts total attempts including the first; 1 disables retries
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10));
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
  }

  /** The delay before attempt {@code attempt} (1-based count of failures so far). */
  public Duration backoff(int failures) {
    long base = initialDelay.toMillis() << Math.min(failures - 1, 20);
    long capped = Math.min(base, maxDelay.toMillis());
    long jitter = capped <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(capped / 4 + 1);
    return Duration.ofMillis(capped + jitter);
  }
}
