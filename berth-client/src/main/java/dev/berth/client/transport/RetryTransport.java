package dev.berth.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * Retries idempotent requests (GET, HEAD, PUT, DELETE) on network errors and on 429, 500, 502,
 * 503 and 504. POST and PATCH are never retried here: an upload's PATCH is resumed by the blob
 * pusher, which first asks the registry how much it has.
 */
public final class RetryTransport implements Transport {
  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE");
  private static final Set<Integer> TEMPORARY = Set.of(429, 500, 502, 503, 504);

  private final Transport next;
  private final RetryPolicy policy;

  public RetryTransport(Transport next, RetryPolicy policy) {
    this.next = next;
    this.policy = policy;
  }

  public static boolean isTemporary(int status) {
    return TEMPORARY.contains(status);
  }

  @Override
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    boolean retryable = IDEMPOTENT.contains(request.method());
    int failures = 0;
    while (true) {
      HttpResponse<InputStream> r;
      try {
        r = next.send(request);
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failures++;
        if (!retryable || failures >= policy.maxAttempts() || !isRetryableIo(e)) throw e;
        sleep(policy.backoff(failures));
        continue;
      }
      if (retryable && TEMPORARY.contains(r.statusCode()) && failures + 1 < policy.maxAttempts()) {
        failures++;
        Duration wait = retryAfter(r).orElse(policy.backoff(failures));
        Transport.discard(r);
        sleep(wait);
        continue;
      }
      return r;
    }
  }

  private static boolean isRetryableIo(IOException e) {
    // TLS failures and unknown hosts do not heal by waiting.
    return !(e instanceof javax.net.ssl.SSLHandshakeException) && !(e instanceof java.net.UnknownHostException)
        && !(e.getCause() instanceof java.net.UnknownHostException);
  }

  private static java.util.Optional<Duration> retryAfter(HttpResponse<?> r) {
    return r.headers().firstValue("Retry-After").flatMap(v -> {
      try {
        long s = Long.parseLong(v.trim());
        return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Math.min(s, 60))));
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    });
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }
}
