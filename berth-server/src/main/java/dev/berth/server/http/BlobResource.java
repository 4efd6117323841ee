package dev.berth.server.http;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.auth.AccessControl;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.registry.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.RetainableByteBuffer;

/** {@code /v2/<name>/blobs/<digest>}: GET and HEAD (with Range), DELETE. */
public final class BlobResource {
  private static final int BUFFER = 512 * 1024;

  private final AccessControl access;
  private final MetadataStore meta;
  private final BlobStore blobs;

  public BlobResource(AccessControl access, MetadataStore meta, BlobStore blobs) {
    this.access = access;
    this.meta = meta;
    this.blobs = blobs;
  }

  void handle(Exchange ex, Route route, String method) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    switch (method) {
      case "GET", "HEAD" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL));
        get(ex, repo, Digest.parse(route.reference()));
      }
      case "DELETE" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.DELETE));
        Digest d = Digest.parse(route.reference());
        if (!meta.unlinkBlob(repo, d)) throw unknown(repo, d);
        ex.sendEmpty(202);
        access.recordWrite(ex, "delete", "repository:" + repo, "blob " + d);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "GET", "HEAD", "DELETE");
    }
  }

  static RegistryException unknown(RepositoryName repo, Digest d) {
    return new RegistryException(ErrorCode.BLOB_UNKNOWN, "blob " + d + " is not in repository " + repo,
        ErrorDetail.reason("blob_unknown").with("repository", repo.value()).with("digest", d.toString()));
  }

  private void get(Exchange ex, RepositoryName repo, Digest d) throws IOException {
    long size = meta.linkedBlobSize(repo, d).orElseThrow(() -> unknown(repo, d));
    ex.setHeader("Docker-Content-Digest", d.toString());
    ex.setHeader("ETag", "\"" + d + "\"");
    ex.setHeader("Accept-Ranges", "bytes");
    ex.setHeader("Cache-Control", "max-age=31536000");
    ex.setHeader("Content-Type", "application/octet-stream");
    long start = 0;
    long end = size - 1;
    String range = ex.header("Range");
    int status = 200;
    if (range != null && size > 0) {
      long[] r = parseRange(range, size);
      if (r == null) {
        throw new RegistryException(ErrorCode.BLOB_UNKNOWN,
            "range \"" + range + "\" cannot be satisfied: blob " + d + " has " + size + " bytes (use bytes=START-END within 0-" + (size - 1) + ")",
            ErrorDetail.reason("range_not_satisfiable").with("size", size), 416, null)
            .withHeader("Content-Range", "bytes */" + size);
      }
      start = r[0];
      end = r[1];
      status = 206;
      ex.setHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
    }
    long length = size == 0 ? 0 : end - start + 1;
    ex.status(status);
    ex.setContentLength(length);
    if (ex.isHead() || length == 0) {
      return;
    }
    Optional<Path> file = blobs.localFile(d);
    ByteBufferPool pool = ex.request().getComponents().getByteBufferPool();
    RetainableByteBuffer rbb = pool.acquire((int) Math.min(BUFFER, length), true);
    try {
      ByteBuffer buf = rbb.getByteBuffer();
      if (file.isPresent()) {
        try (FileChannel ch = FileChannel.open(file.get(), StandardOpenOption.READ)) {
          long pos = start;
          long left = length;
          while (left > 0) {
            buf.clear();
            if (buf.capacity() > left) buf.limit((int) left);
            int n = ch.read(buf, pos);
            if (n < 0) throw new IOException("blob " + d + " is shorter than recorded");
            buf.flip();
            pos += n;
            left -= n;
            ex.write(buf, left == 0);
          }
        }
      } else {
        try (InputStream in = blobs.open(d, start)) {
          byte[] tmp = new byte[Math.min(BUFFER, (int) Math.min(BUFFER, length))];
          long left = length;
          while (left > 0) {
            int n = in.read(tmp, 0, (int) Math.min(tmp.length, left));
            if (n < 0) throw new IOException("blob " + d + " is shorter than recorded");
            left -= n;
            ex.write(ByteBuffer.wrap(tmp, 0, n), left == 0);
          }
        }
      }
    } finally {
      rbb.release();
    }
  }

  /** A single {@code bytes=} range as [start, end], or null when it cannot be satisfied. */
  static long[] parseRange(String header, long size) {
    String h = header.trim();
    if (!h.startsWith("bytes=") || h.indexOf(',') >= 0) return null;
    String spec = h.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) return null;
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) return null;
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      if (start < 0 || start >= size || end < start) return null;
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
