package dev.berth.client.remote;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.BlobSource;
import dev.berth.client.image.Progress;
import dev.berth.client.transport.RegistryErrors;
import dev.berth.client.transport.RetryTransport;
import dev.berth.client.transport.Transport;
import dev.berth.oci.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pushes one blob with the upload protocol, resuming after failures:
 *
 * <ol>
 *   <li>{@code POST /v2/<name>/blobs/uploads/} opens a session; its {@code Location} is followed
 *       (and replaced by each response's {@code Location}).
 *   <li>A blob no larger than the chunk size goes in one {@code PUT <location>?digest=} with the
 *       body ("monolithic"). Larger ones go in {@code PATCH} requests of one chunk each, with
 *       {@code Content-Range: start-end} and {@code Content-Length}, then an empty
 *       {@code PUT ?digest=}.
 *   <li>When a request breaks (connection reset, timeout, 5xx, 416), {@code GET <location>} asks the
 *       registry what it holds ({@code Range: 0-N}) and the upload goes on from N+1: bytes the
 *       registry acknowledged are not sent again. Only when the registry lost the session
 *       (404/400) does the blob start over in a new session.
 *   <li>The registry checks the digest on the final PUT; a mismatch is reported as an integrity
 *       failure.
 * </ol>
 */
public final class BlobUpload {
  private final Repo repo;
  private final Descriptor blob;
  private final BlobSource source;
  private final Progress progress;
  private final AtomicLong bytesSent;
  private final String what;

  private BlobUpload(Repo repo, Descriptor blob, BlobSource source, Progress progress, AtomicLong bytesSent) {
    this.repo = repo;
    this.blob = blob;
    this.source = source;
    this.progress = progress;
    this.bytesSent = bytesSent;
    this.what = "push blob " + blob.digest() + " (" + blob.size() + " bytes) to " + repo.name();
  }

  /** Pushes the blob; {@code bytesSent} counts every body byte handed to the network, resends included. */
  public static void push(Repo repo, Descriptor blob, BlobSource source, Progress progress, AtomicLong bytesSent) {
    new BlobUpload(repo, blob, source, progress, bytesSent).run();
  }

  private void run() {
    int failures = 0;
    try (SeekableStream stream = new SeekableStream(source)) {
      URI loc = start();
      long offset = 0;
      long size = blob.size();
      while (true) {
        try {
          if (offset == 0 && size <= repo.chunkSize()) {
            HttpResponse<InputStream> r = repo.sendOnce(repo.request(withDigest(loc))
                .header("Content-Type", "application/octet-stream")
                .PUT(body(stream, 0, size)).build());
            if (r.statusCode() == 201) {
              Transport.discard(r);
              return;
            }
            throw new Broken(r);
          }
          while (offset < size) {
            long len = Math.min(repo.chunkSize(), size - offset);
            HttpResponse<InputStream> r = repo.sendOnce(repo.request(loc)
                .header("Content-Type", "application/octet-stream")
                .header("Content-Range", offset + "-" + (offset + len - 1))
                .method("PATCH", body(stream, offset, len)).build());
            if (r.statusCode() != 202) throw new Broken(r);
            loc = r.headers().firstValue("Location").map(repo::location).orElse(loc);
            long acked = rangeEnd(r).orElse(offset + len - 1) + 1;
            Transport.discard(r);
            offset = acked;
          }
          finish(loc);
          return;
        } catch (IOException | Broken e) {
          failures++;
          if (e instanceof Broken b && !retryable(b.response.statusCode())) {
            throw classify(repo.error(what, b.response));
          }
          if (e instanceof Broken b) Transport.discard(b.response);
          if (failures >= repo.retry().maxAttempts() + 2) {
            if (e instanceof IOException io) throw RegistryErrors.fromIo(what, io, repo.registry());
            throw ClientException.of(Category.SERVER, what, "the upload kept failing after " + failures + " attempts", "retry later");
          }
          sleep(failures);
          String why = e instanceof IOException io ? String.valueOf(io.getMessage()) : "HTTP " + ((Broken) e).response.statusCode();
          Status st = status(loc);
          if (st == null) {
            loc = start();
            offset = 0;
            progress.blobResumed(blob, 0, "upload session lost (" + why + "), starting over");
          } else {
            loc = st.location;
            offset = st.offset;
            progress.blobResumed(blob, offset, why);
          }
        }
      }
    }
  }

  /** The registry kept the bytes and the session; {@code null} when it lost the session. */
  private record Status(URI location, long offset) {}

  private Status status(URI loc) {
    try {
      Status st = readStatus(loc, repo.sendOnce(repo.request(loc).GET().build()));
      return st != null && st.offset < 0 ? statusAfterWait(loc) : st;
    } catch (IOException e) {
      return statusAfterWait(loc);
    }
  }

  private Status statusAfterWait(URI loc) {
    for (int i = 1; i < repo.retry().maxAttempts(); i++) {
      sleep(i);
      try {
        Status st = readStatus(loc, repo.sendOnce(repo.request(loc).GET().build()));
        if (st == null || st.offset >= 0) return st;
      } catch (IOException ignored) {
        // keep trying
      }
    }
    throw ClientException.of(Category.NETWORK, what, "the registry could not be reached to resume the upload", "retry; check the network");
  }

  private Status readStatus(URI loc, HttpResponse<InputStream> r) {
    int s = r.statusCode();
    if (s == 204 || s == 202 || s == 200) {
      URI next = r.headers().firstValue("Location").map(repo::location).orElse(loc);
      long offset = rangeEnd(r).orElse(-1L) + 1;
      Transport.discard(r);
      return new Status(next, offset);
    }
    Transport.discard(r);
    if (RetryTransport.isTemporary(s)) return new Status(loc, -1);
    return null;
  }

  private URI start() {
    HttpResponse<InputStream> r = repo.send(what, repo.request(repo.uri("blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    if (r.statusCode() != 202) throw classify(repo.error(what, r));
    String loc = r.headers().firstValue("Location").orElse(null);
    Transport.discard(r);
    if (loc == null) {
      throw ClientException.of(Category.SERVER, what, "the registry opened an upload without a Location header", "report this to the registry's admin");
    }
    return repo.location(loc);
  }

  private void finish(URI loc) throws IOException, Broken {
    HttpResponse<InputStream> r;
    try {
      r = repo.sendOnce(repo.request(withDigest(loc)).PUT(HttpRequest.BodyPublishers.noBody()).build());
    } catch (IOException e) {
      // The PUT may have landed before the connection broke.
      if (BlobCheck.call(repo, blob.digest()).isPresent()) return;
      throw e;
    }
    if (r.statusCode() == 201) {
      Transport.discard(r);
      return;
    }
    throw new Broken(r);
  }

  private URI withDigest(URI loc) {
    String s = loc.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + blob.digest());
  }

  private HttpRequest.BodyPublisher body(SeekableStream stream, long offset, long len) {
    if (len == 0) return HttpRequest.BodyPublishers.noBody();
    long[] last = {offset};
    return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
      try {
        return stream.slice(offset, len, pos -> {
          bytesSent.addAndGet(pos - last[0]);
          last[0] = pos;
          progress.blobProgress(blob, pos);
        });
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }), len);
  }

  private static boolean retryable(int status) {
    return RetryTransport.isTemporary(status) || status == 416 || status == 408;
  }

  private ClientException classify(ClientException e) {
    if ("DIGEST_INVALID".equals(e.registryCode())) {
      return ClientException.builder(Category.INTEGRITY, what)
          .why("the registry computed another digest than " + blob.digest() + " over the bytes sent: " + e.why())
          .code(e.registryCode()).status(e.status()).requestId(e.requestId())
          .remedy("the source content does not match its digest; it is corrupt, re-create or re-pull it").build();
    }
    return e;
  }

  private static java.util.Optional<Long> rangeEnd(HttpResponse<?> r) {
    return r.headers().firstValue("Range").flatMap(v -> {
      String x = v.trim();
      if (x.startsWith("bytes=")) x = x.substring(6);
      int dash = x.indexOf('-');
      if (dash < 0) return java.util.Optional.empty();
      try {
        return java.util.Optional.of(Long.parseLong(x.substring(dash + 1).trim()));
      } catch (NumberFormatException e) {
        return java.util.Optional.empty();
      }
    });
  }

  private void sleep(int failures) {
    try {
      Thread.sleep(repo.retry().backoff(failures).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ClientException.of(Category.NETWORK, what, "interrupted", null);
    }
  }

  static void cancel(Repo repo, URI loc) {
    try {
      Transport.discard(repo.sendOnce(repo.request(loc).DELETE().build()));
    } catch (IOException | RuntimeException ignored) {
      // best effort: the registry expires abandoned uploads
    }
  }

  /** A response that breaks the upload; carries it so that its error body can be read. */
  private static final class Broken extends Exception {
    private static final long serialVersionUID = 1L;
    final transient HttpResponse<InputStream> response;

    Broken(HttpResponse<InputStream> response) {
      super("HTTP " + response.statusCode(), null, false, false);
      this.response = response;
    }
  }
}
