package dev.berth.server.http;

import dev.berth.oci.RepositoryName;
import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.oci.manifest.ManifestParser;
import dev.berth.server.auth.AccessControl;
import dev.berth.server.registry.ManifestService;
import java.io.IOException;

/** {@code /v2/<name>/manifests/<reference>}: GET, HEAD, PUT, DELETE by tag or digest. */
public final class ManifestResource {
  private final AccessControl access;
  private final ManifestService manifests;

  public ManifestResource(AccessControl access, ManifestService manifests) {
    this.access = access;
    this.manifests = manifests;
  }

  void handle(Exchange ex, Route route, String method) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    String ref = route.reference();
    switch (method) {
      case "GET", "HEAD" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL));
        ManifestService.Found f = manifests.get(repo, ref);
        ex.setHeader("Docker-Content-Digest", f.record().digest().toString());
        ex.setHeader("ETag", "\"" + f.record().digest() + "\"");
        ex.send(200, f.record().mediaType(), f.content());
      }
      case "PUT" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
        byte[] body = ex.readBodyBytes(ManifestParser.MAX_MANIFEST_BYTES, () -> new RegistryException(ErrorCode.SIZE_INVALID,
            "manifest is larger than " + (ManifestParser.MAX_MANIFEST_BYTES >> 20) + " MiB, the most this registry accepts; "
                + "split the image index or move large data into blobs",
            ErrorDetail.reason("manifest_too_large").with("limit", ManifestParser.MAX_MANIFEST_BYTES), 413, null));
        ManifestService.Pushed p = manifests.put(repo, ref, ex.header("Content-Type"), body);
        ex.setHeader("Location", "/v2/" + repo + "/manifests/" + p.digest());
        ex.setHeader("Docker-Content-Digest", p.digest().toString());
        if (p.subject() != null) {
          ex.setHeader("OCI-Subject", p.subject().toString());
        }
        ex.sendEmpty(201);
        access.recordWrite(ex, "push", "repository:" + repo, "manifest " + p.digest()
            + (dev.berth.oci.Digest.looksLikeDigest(ref) ? "" : " tagged " + ref));
      }
      case "DELETE" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.DELETE));
        manifests.delete(repo, ref);
        ex.sendEmpty(202);
        access.recordWrite(ex, "delete", "repository:" + repo, (dev.berth.oci.Digest.looksLikeDigest(ref) ? "manifest " : "tag ") + ref);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "GET", "HEAD", "PUT", "DELETE");
    }
  }
}
