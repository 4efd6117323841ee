package dev.berth.client.remote;

import dev.berth.client.transport.RegistryErrors;
import dev.berth.client.transport.RetryPolicy;
import dev.berth.client.transport.Transport;
import dev.berth.client.error.ClientException;
import dev.berth.oci.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One repository on one registry, with an authenticated transport scoped to the actions this
 * session needs. Endpoint classes ({@link BlobCheck}, {@link BlobFetch}, {@link BlobUpload},
 * {@link BlobMount}, {@link ManifestFetch}, {@link ManifestPush}, {@link ManifestDelete},
 * {@link TagList}) each do one call on it.
 */
public final class Repo {
  private final String registry;
  private final RepositoryName repository;
  private final URI base;
  private final Transport transport;
  private final Transport uploadTransport;
  private final long chunkSize;
  private final RetryPolicy retry;

  Repo(String registry, RepositoryName repository, URI base, Transport transport, Transport uploadTransport,
      long chunkSize, RetryPolicy retry) {
    this.registry = registry;
    this.repository = repository;
    this.base = base;
    this.transport = transport;
    this.uploadTransport = uploadTransport;
    this.chunkSize = chunkSize;
    this.retry = retry;
  }

  public String registry() {
    return registry;
  }

  public RepositoryName repository() {
    return repository;
  }

  /** {@code registry/repository}, for messages. */
  public String name() {
    return registry + "/" + repository;
  }

  long chunkSize() {
    return chunkSize;
  }

  RetryPolicy retry() {
    return retry;
  }

  /** {@code /v2/<name>/<suffix>} resolved against the registry. */
  URI uri(String suffix) {
    return base.resolve("/v2/" + repository + "/" + suffix);
  }

  /** Resolves a Location header (absolute or relative) against the registry. */
  URI location(String location) {
    return base.resolve(location);
  }

  HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10));
  }

  /** Sends with retries (idempotent requests). Network failures become NETWORK errors saying {@code what}. */
  HttpResponse<InputStream> send(String what, HttpRequest req) {
    try {
      return transport.send(req);
    } catch (IOException e) {
      throw RegistryErrors.fromIo(what, e, registry);
    }
  }

  /** Sends once, letting IOException through (uploads decide themselves how to resume). */
  HttpResponse<InputStream> sendOnce(HttpRequest req) throws IOException {
    return uploadTransport.send(req);
  }

  ClientException error(String what, HttpResponse<InputStream> r) {
    return RegistryErrors.fromResponse(what, r, registry);
  }
}
