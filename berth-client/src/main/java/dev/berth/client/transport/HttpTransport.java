package dev.berth.client.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The innermost transport: the JDK's HttpClient (HTTP/1.1, redirects followed for GETs). */
public final class HttpTransport implements Transport {
  private final HttpClient client;

  public HttpTransport(HttpClient client) {
    this.client = client;
  }

  public static HttpTransport create(Duration connectTimeout) {
    return new HttpTransport(HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(connectTimeout)
        // Blob GETs are often redirected to object storage (S3, GCS); the JDK drops the
        // Authorization header on redirects to another host, as it must.
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build());
  }

  @Override
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted");
    }
  }
}
