package dev.berth.server.http;

/**
 * The registry's named routes. Repository names contain '/', so routes match on the suffix;
 * uploads are tried before blobs so that {@code …/blobs/uploads/…} is never read as a digest.
 */
public record Route(Kind kind, String name, String reference) {
  public enum Kind { TOKEN, ADMIN, BASE, CATALOG, TAGS, MANIFEST, BLOB, UPLOAD_START, UPLOAD, REFERRERS }

  /** The route for a path, or null when the path is not a registry resource. */
  public static Route match(String path) {
    if (path.equals("/v2/") || path.equals("/v2")) return new Route(Kind.BASE, null, null);
    if (path.equals("/v2/_catalog")) return new Route(Kind.CATALOG, null, null);
    if (path.equals("/token") || path.equals("/token/")) return new Route(Kind.TOKEN, null, null);
    if (path.startsWith("/admin/v1/")) return new Route(Kind.ADMIN, null, path);
    if (!path.startsWith("/v2/")) return null;
    // Names contain '/', and every resource ends in ".../<resource>/<last segment>": split at the
    // last '/' and look at what precedes it. (By hand: the regexes cost ~3% of a manifest GET.)
    int slash = path.lastIndexOf('/');
    String last = path.substring(slash + 1);
    int end = slash; // the name and resource words are path[4, end)
    if (endsWith(path, end, "/blobs/uploads")) {
      String name = name(path, end, "/blobs/uploads");
      if (name == null) return null;
      return last.isEmpty() ? new Route(Kind.UPLOAD_START, name, null) : new Route(Kind.UPLOAD, name, last);
    }
    if (last.isEmpty()) return null;
    for (var r : SUFFIXES) {
      if (endsWith(path, end, r.suffix)) {
        String name = name(path, end, r.suffix);
        if (name == null) return null;
        if (r.kind == Kind.TAGS) return last.equals("list") ? new Route(Kind.TAGS, name, null) : null;
        return new Route(r.kind, name, last);
      }
    }
    return null;
  }

  private record Suffix(String suffix, Kind kind) {}

  private static final Suffix[] SUFFIXES = {
      new Suffix("/manifests", Kind.MANIFEST), new Suffix("/blobs", Kind.BLOB),
      new Suffix("/tags", Kind.TAGS), new Suffix("/referrers", Kind.REFERRERS)};

  private static boolean endsWith(String path, int end, String suffix) {
    return end >= suffix.length() && path.startsWith(suffix, end - suffix.length());
  }

  /** path[4, end - suffix) as the name, or null when it is empty. */
  private static String name(String path, int end, String suffix) {
    int nameEnd = end - suffix.length();
    return nameEnd > 4 ? path.substring(4, nameEnd) : null;
  }
}
