package dev.berth.client.remote;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.Manifest;
import dev.berth.client.transport.Transport;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import dev.berth.oci.manifest.ManifestParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/**
 * {@code GET} or {@code HEAD /v2/<name>/manifests/<tag|digest>} accepting OCI and Docker schema 2
 * manifests and indexes. The body is read up to 4 MiB and checked against the requested digest,
 * or against {@code Docker-Content-Digest} when a tag was asked for.
 */
public final class ManifestFetch {
  public static final String ACCEPT = String.join(", ", MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST,
      MediaType.OCI_MANIFEST, MediaType.DOCKER_MANIFEST);

  private ManifestFetch() {}

  public static Manifest get(Repo repo, String identifier) {
    String what = "get manifest " + repo.name() + (identifier.contains(":") ? "@" : ":") + identifier;
    HttpResponse<InputStream> r = repo.send(what, repo.request(repo.uri("manifests/" + identifier)).header("Accept", ACCEPT).GET().build());
    if (r.statusCode() != 200) throw repo.error(what, r);
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readNBytes(ManifestParser.MAX_MANIFEST_BYTES + 1);
    } catch (IOException e) {
      throw dev.berth.client.transport.RegistryErrors.fromIo(what, e, repo.registry());
    }
    if (bytes.length > ManifestParser.MAX_MANIFEST_BYTES) {
      throw ClientException.of(Category.SERVER, what, "the manifest is larger than 4 MiB", "this is not an image manifest berth can copy");
    }
    String contentType = MediaType.essence(r.headers().firstValue("Content-Type").orElse(null));
    Manifest m = Manifest.of(bytes, contentType);
    String mediaType = m.parsed().mediaType();
    m = new Manifest(bytes, mediaType, m.digest());
    Digest expected = Digest.tryParse(identifier);
    if (expected == null) expected = r.headers().firstValue("Docker-Content-Digest").map(Digest::tryParse).orElse(null);
    if (expected != null && expected.algorithm().equals(Digest.SHA256) && !expected.equals(m.digest())) {
      throw ClientException.of(Category.INTEGRITY, what,
          "the manifest received hashes to " + m.digest() + ", not " + expected, "retry; if it persists, the registry or a proxy alters content");
    }
    if (expected != null && expected.algorithm().equals(Digest.SHA512)) {
      Digest d512 = Digest.of(Digest.SHA512, bytes);
      if (!d512.equals(expected)) {
        throw ClientException.of(Category.INTEGRITY, what, "the manifest received hashes to " + d512 + ", not " + expected, "retry");
      }
    }
    return m;
  }

  /** HEAD: the descriptor of what the tag or digest points at, empty on 404. */
  public static Optional<Descriptor> head(Repo repo, String identifier) {
    String what = "check manifest " + repo.name() + (identifier.contains(":") ? "@" : ":") + identifier;
    HttpResponse<InputStream> r = repo.send(what, repo.request(repo.uri("manifests/" + identifier)).header("Accept", ACCEPT)
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
    if (r.statusCode() == 404) {
      Transport.discard(r);
      return Optional.empty();
    }
    if (r.statusCode() != 200) throw repo.error(what, r);
    Transport.discard(r);
    Digest d = r.headers().firstValue("Docker-Content-Digest").map(Digest::tryParse).orElse(null);
    if (d == null) {
      // Registries need not send the digest on HEAD; fall back to GET.
      Manifest m = get(repo, identifier);
      return Optional.of(m.descriptor());
    }
    String ct = MediaType.essence(r.headers().firstValue("Content-Type").orElse(null));
    long size = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    return Optional.of(new Descriptor(ct, d, size));
  }
}
