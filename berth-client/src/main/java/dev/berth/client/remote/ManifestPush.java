package dev.berth.client.remote;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.Manifest;
import dev.berth.client.transport.Transport;
import dev.berth.oci.Digest;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** {@code PUT /v2/<name>/manifests/<tag|digest>} with the manifest's exact bytes and media type. */
public final class ManifestPush {
  private ManifestPush() {}

  public static void call(Repo repo, Manifest m, String identifier) {
    String what = "push manifest " + m.digest() + " to " + repo.name() + (identifier.contains(":") ? "@" : ":") + identifier;
    HttpResponse<InputStream> r = repo.send(what, repo.request(repo.uri("manifests/" + identifier))
        .header("Content-Type", m.mediaType()).PUT(HttpRequest.BodyPublishers.ofByteArray(m.bytes())).build());
    if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
      ClientException e = repo.error(what, r);
      if ("MANIFEST_BLOB_UNKNOWN".equals(e.registryCode()) || "BLOB_UNKNOWN".equals(e.registryCode())) {
        throw ClientException.builder(Category.SERVER, what).why(e.why()).code(e.registryCode()).status(e.status())
            .requestId(e.requestId()).remedy("a blob the manifest needs is missing in " + repo.name() + "; push the whole image again").build();
      }
      throw e;
    }
    Digest echoed = r.headers().firstValue("Docker-Content-Digest").map(Digest::tryParse).orElse(null);
    Transport.discard(r);
    if (echoed != null && echoed.algorithm().equals(Digest.SHA256) && !echoed.equals(m.digest())) {
      throw ClientException.of(Category.INTEGRITY, what, "the registry stored it as " + echoed + " (it rewrote the manifest)",
          "the registry does not keep manifests byte-exact; refer to the image by " + echoed + " there");
    }
  }
}
