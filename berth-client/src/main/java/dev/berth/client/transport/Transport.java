package dev.berth.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One HTTP exchange. Transports are stacked as decorators, outermost first (compare
 * go-containerregistry's transport chain):
 *
 * <pre>
 *   UserAgentTransport → RetryTransport → AuthTransport → HttpTransport (JDK HttpClient)
 * </pre>
 *
 * The caller owns the returned body and must close it. A request whose body must be sent again
 * (after a 401 challenge or a retry) has to use a body publisher that can be subscribed to more
 * than once, which all of berth's are (byte arrays, files, and streams opened from a supplier).
 */
@FunctionalInterface
public interface Transport {
  HttpResponse<InputStream> send(HttpRequest request) throws IOException;

  /** Closes a response's body, ignoring failures; for responses whose body is not needed. */
  static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.skip(64 * 1024);
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
