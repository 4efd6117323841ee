package dev.berth.client.remote;

import dev.berth.client.transport.Transport;
import dev.berth.oci.Digest;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.OptionalLong;

/** {@code HEAD /v2/<name>/blobs/<digest>}: the blob's size when the repository has it, empty on 404. */
public final class BlobCheck {
  private BlobCheck() {}

  public static OptionalLong call(Repo repo, Digest digest) {
    HttpRequest req = repo.request(repo.uri("blobs/" + digest)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build();
    String what = "check for blob " + digest + " in " + repo.name();
    HttpResponse<InputStream> r = repo.send(what, req);
    int s = r.statusCode();
    if (s == 200) {
      Transport.discard(r);
      return OptionalLong.of(r.headers().firstValueAsLong("Content-Length").orElse(-1));
    }
    if (s == 404) {
      Transport.discard(r);
      return OptionalLong.empty();
    }
    throw repo.error(what, r);
  }
}
