package dev.berth.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP GETs against the registry with the JDK client, the way a user checks with curl what
 * a client pushed. No registry client library is involved, so the bytes are the server's own.
 */
final class RegistryHttp {
  static final String MANIFEST_TYPES = String.join(",",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  static final ObjectMapper JSON = new ObjectMapper();

  /** One client for the run; HTTP/1.1 like registry clients (no h2c upgrade attempts). */
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .followRedirects(HttpClient.Redirect.NORMAL)
      .build();

  private final String host;

  RegistryHttp(String host) {
    this.host = host;
  }

  record Response(int status, String contentType, String dockerContentDigest, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + text(), e);
      }
    }

    Response assertStatus(int expected, String what) {
      if (status != expected) {
        throw new AssertionError(what + ": expected HTTP " + expected + " but got " + status + ": " + text());
      }
      return this;
    }
  }

  /** GET /v2/{repo}/manifests/{reference}, accepting OCI and Docker v2 manifests and indexes. */
  Response manifest(String repo, String reference) {
    return get("/v2/" + repo + "/manifests/" + reference, MANIFEST_TYPES);
  }

  /** GET /v2/{repo}/blobs/{digest}, the whole blob in memory: only for small blobs. */
  Response blob(String repo, String digest) {
    return get("/v2/" + repo + "/blobs/" + digest, "*/*");
  }

  /** GET /v2/{repo}/tags/list. */
  Response tags(String repo) {
    return get("/v2/" + repo + "/tags/list", "application/json");
  }

  Response get(String path, String accept) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(request(path, accept), HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Docker-Content-Digest").orElse(null),
          r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET http://" + host + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest request(String path, String accept) {
    return HttpRequest.newBuilder(URI.create("http://" + host + path))
        .header("Accept", accept)
        .timeout(Duration.ofMinutes(2))
        .GET()
        .build();
  }
}
