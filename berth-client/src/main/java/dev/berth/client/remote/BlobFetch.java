package dev.berth.client.remote;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from an offset with {@code Range: bytes=N-} (a registry
 * that ignores Range answers 200 and the first N bytes are skipped here). Redirects to object
 * storage are followed. The caller verifies the content against the digest.
 */
public final class BlobFetch {
  private BlobFetch() {}

  public static InputStream call(Repo repo, Digest digest, long offset) throws IOException {
    HttpRequest.Builder b = repo.request(repo.uri("blobs/" + digest)).GET();
    if (offset > 0) b.header("Range", "bytes=" + offset + "-");
    String what = "pull blob " + digest + " from " + repo.name();
    HttpResponse<InputStream> r = repo.send(what, b.build());
    int s = r.statusCode();
    if (s == 206 && offset > 0) return r.body();
    if (s == 200) {
      InputStream in = r.body();
      if (offset > 0) in.skipNBytes(offset);
      return in;
    }
    throw repo.error(what, r);
  }
}
