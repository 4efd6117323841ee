package dev.berth.client.remote;

import dev.berth.client.transport.Transport;
import dev.berth.oci.Digest;
import java.io.InputStream;
import java.net.http.HttpResponse;

/** {@code DELETE /v2/<name>/manifests/<digest>}: removes the manifest and every tag that points at it. */
public final class ManifestDelete {
  private ManifestDelete() {}

  public static void call(Repo repo, Digest digest) {
    String what = "delete " + repo.name() + "@" + digest;
    HttpResponse<InputStream> r = repo.send(what, repo.request(repo.uri("manifests/" + digest)).DELETE().build());
    int s = r.statusCode();
    if (s == 202 || s == 200 || s == 204) {
      Transport.discard(r);
      return;
    }
    var e = repo.error(what, r);
    if (s == 405 || "UNSUPPORTED".equals(e.registryCode())) {
      throw dev.berth.client.error.ClientException.builder(dev.berth.client.error.Category.SERVER, what)
          .why("the registry does not allow deletes: " + e.why()).code(e.registryCode()).status(s).requestId(e.requestId())
          .remedy("deletes must be enabled on the registry (distribution: storage.delete.enabled: true)").build();
    }
    throw e;
  }
}
