package dev.berth.conformance;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Helpers for the concrete targets: free ports and waiting for a registry to answer /v2/. */
final class Launch {
  private Launch() {}

  static int freeLoopbackPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  /** Polls GET /v2/ until it answers 200 or 401; false after {@code timeout} or when {@code alive} turns false. */
  static boolean awaitV2(URI base, Duration timeout, java.util.function.BooleanSupplier alive) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline && alive.getAsBoolean()) {
      try {
        int s = http.send(HttpRequest.newBuilder(base.resolve("/v2/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
        if (s == 200 || s == 401) return true;
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    return false;
  }
}
