package dev.berth.server.http;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.auth.AccessControl;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.meta.UploadRecord;
import dev.berth.server.registry.UploadService;
import java.io.IOException;

/**
 * {@code /v2/<name>/blobs/uploads/[<id>]}: POST (start, monolithic with {@code ?digest=}, or
 * cross-repository mount), PATCH (chunk), PUT (finish), GET (status), DELETE (cancel).
 */
public final class UploadResource {
  private final AccessControl access;
  private final MetadataStore meta;
  private final UploadService uploads;

  public UploadResource(AccessControl access, MetadataStore meta, UploadService uploads) {
    this.access = access;
    this.meta = meta;
    this.uploads = uploads;
  }

  void start(Exchange ex, Route route, RegistryHandler.Allowed allowed) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
    String mount = ex.query("mount");
    if (mount != null) {
      Digest d = Digest.parse(mount);
      String from = ex.query("from");
      if (from != null && mount(ex, repo, d, from)) {
        return;
      }
      // Not mountable (absent, or the caller may not read the source): a normal upload session.
    }
    String digest = ex.query("digest");
    if (digest != null) {
      Digest d = Digest.parse(digest);
      uploads.store(repo, null, ex.body(), null, d); // one request, so no session to record
      created(ex, repo, d);
      access.recordWrite(ex, "push", "repository:" + repo, "blob " + d);
      return;
    }
    UploadRecord u = uploads.start(repo);
    if (ex.contentLength() > 0) {
      // A body on a POST without digest is not part of the protocol; refuse it rather than lose it.
      uploads.cancel(u);
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
          "a POST to start an upload carries no body unless it has ?digest= (monolithic upload); send the bytes with PATCH or PUT to the Location returned",
          ErrorDetail.reason("post_body_without_digest"));
    }
    accepted(ex, u);
  }

  private boolean mount(Exchange ex, RepositoryName repo, Digest d, String fromName) {
    RepositoryName from;
    try {
      from = RepositoryName.parse(fromName);
    } catch (RegistryException e) {
      return false;
    }
    if (!access.allows(ex, Scope.repository(from.value(), Scope.PULL))) {
      return false; // never reveal whether the blob exists in a repository the caller cannot read
    }
    if (!meta.isLinked(from, d)) {
      return false;
    }
    meta.linkBlob(repo, d);
    created(ex, repo, d);
    access.recordWrite(ex, "push", "repository:" + repo, "blob " + d + " mounted from " + from);
    return true;
  }

  void handle(Exchange ex, Route route, String method) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    switch (method) {
      case "GET", "HEAD" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
        UploadRecord u = uploads.get(repo, route.reference());
        ex.setHeader("Location", UploadService.location(u));
        ex.setHeader("Range", UploadService.range(u.size()));
        ex.setHeader("Docker-Upload-UUID", u.id());
        ex.sendEmpty(204);
      }
      case "PATCH" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
        UploadRecord u = uploads.get(repo, route.reference());
        Long start = contentRangeStart(ex.header("Content-Range"));
        u = uploads.append(u, ex.body(), start);
        accepted(ex, u);
      }
      case "PUT" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
        UploadRecord u = uploads.get(repo, route.reference());
        String digest = ex.query("digest");
        if (digest == null) {
          throw new RegistryException(ErrorCode.DIGEST_INVALID,
              "finishing an upload needs the blob's digest: PUT " + UploadService.location(u) + "?digest=sha256:<hex>",
              ErrorDetail.reason("digest_missing"));
        }
        Digest d = Digest.parse(digest);
        Long start = contentRangeStart(ex.header("Content-Range"));
        if (ex.contentLength() != 0) {
          uploads.store(repo, u, ex.body(), start, d); // with the last (or the whole) blob's bytes
        } else {
          if (start != null) {
            u = uploads.append(u, ex.body(), start);
          }
          uploads.finish(u, d);
        }
        created(ex, repo, d);
        access.recordWrite(ex, "push", "repository:" + repo, "blob " + d);
      }
      case "DELETE" -> {
        access.require(ex, Scope.repository(repo.value(), Scope.PULL, Scope.PUSH));
        UploadRecord u = uploads.get(repo, route.reference());
        uploads.cancel(u);
        ex.sendEmpty(204);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "GET", "HEAD", "PATCH", "PUT", "DELETE");
    }
  }


  static Long contentRangeStart(String header) {
    if (header == null || header.isBlank()) return null;
    String h = header.trim();
    if (h.startsWith("bytes")) h = h.substring(5).trim();
    if (h.startsWith("=")) h = h.substring(1).trim();
    int dash = h.indexOf('-');
    try {
      long start = Long.parseLong(dash < 0 ? h : h.substring(0, dash).trim());
      if (start < 0) throw new NumberFormatException();
      return start;
    } catch (NumberFormatException e) {
      throw new RegistryException(ErrorCode.BLOB_UPLOAD_INVALID,
          "Content-Range \"" + header + "\" is not START-END (for example 0-1048575)", ErrorDetail.reason("content_range_invalid"), 416, null);
    }
  }

  private static void accepted(Exchange ex, UploadRecord u) {
    ex.setHeader("Location", UploadService.location(u));
    ex.setHeader("Range", UploadService.range(u.size()));
    ex.setHeader("Docker-Upload-UUID", u.id());
    ex.sendEmpty(202);
  }

  private static void created(Exchange ex, RepositoryName repo, Digest d) {
    ex.setHeader("Location", "/v2/" + repo + "/blobs/" + d);
    ex.setHeader("Docker-Content-Digest", d.toString());
    ex.sendEmpty(201);
  }
}
