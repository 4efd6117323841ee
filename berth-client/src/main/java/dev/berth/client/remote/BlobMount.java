package dev.berth.client.remote;

import dev.berth.client.transport.Transport;
import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code POST /v2/<name>/blobs/uploads/?mount=<digest>&from=<repo>}: a cross-repository mount. 201
 * means the blob is linked without moving a byte; 202 means the registry declined (the source is
 * not readable to us, or mounts are off) and opened an upload, which is cancelled here.
 */
public final class BlobMount {
  private BlobMount() {}

  public static boolean call(Repo repo, Digest digest, String fromRepository) {
    HttpRequest req = repo.request(repo.uri("blobs/uploads/?mount=" + digest + "&from=" + fromRepository))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    String what = "mount blob " + digest + " from " + fromRepository + " into " + repo.name();
    HttpResponse<InputStream> r;
    try {
      r = repo.sendOnce(req);
    } catch (IOException e) {
      return false;
    }
    int s = r.statusCode();
    if (s == 201 || s == 202 || s == 401 || s == 403 || s == 404 || s == 405) Transport.discard(r);
    if (s == 201) return true;
    if (s == 202) {
      r.headers().firstValue("Location").ifPresent(loc -> BlobUpload.cancel(repo, repo.location(loc)));
      return false;
    }
    if (s == 401 || s == 403 || s == 404 || s == 405) return false;
    throw repo.error(what, r);
  }
}
