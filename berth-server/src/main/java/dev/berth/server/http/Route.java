package dev.berth.server.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's named routes. Repository names contain '/', so routes match on the suffix;
 * uploads are tried before blobs so that {@code …/blobs/uploads/…} is never read as a digest.
 */
public record Route(Kind kind, String name, String reference) {
  public enum Kind { TOKEN, ADMIN, BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOAD_START, UPLOAD, REFERRERS }

  private static final Pattern UPLOAD = Pattern.compile("^/v2/(.+)/blobs/uploads/([^/]*)$");
  private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/([^/]+)$");
  private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
  private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");
  private static final Pattern REFERRERS = Pattern.compile("^/v2/(.+)/referrers/([^/]+)$");

  /** The route for a path, or null when the path is not a registry resource. */
  public static Route match(String path) {
    if (path.equals("/v2/") || path.equals("/v2")) return new Route(Kind.BASE, null, null);
    if (path.equals("/v2/_catalog")) return new Route(Kind.CATALOG, null, null);
    if (path.equals("/token") || path.equals("/token/")) return new Route(Kind.TOKEN, null, null);
    if (path.startsWith("/admin/v1/")) return new Route(Kind.ADMIN, null, path);
    if (!path.startsWith("/v2/")) return null;
    Matcher m;
    if ((m = UPLOAD.matcher(path)).matches()) {
      return m.group(2).isEmpty() ? new Route(Kind.UPLOAD_START, m.group(1), null) : new Route(Kind.UPLOAD, m.group(1), m.group(2));
    }
    if ((m = MANIFEST.matcher(path)).matches()) return new Route(Kind.MANIFEST, m.group(1), m.group(2));
    if ((m = BLOB.matcher(path)).matches()) return new Route(Kind.BLOB, m.group(1), m.group(2));
    if ((m = TAGS.matcher(path)).matches()) return new Route(Kind.TAGS, m.group(1), null);
    if ((m = REFERRERS.matcher(path)).matches()) return new Route(Kind.REFERRERS, m.group(1), m.group(2));
    return null;
  }
}
