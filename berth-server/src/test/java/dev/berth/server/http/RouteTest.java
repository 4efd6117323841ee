package dev.berth.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The hand-written router against the regexes it replaced, on paths built from the words that matter. */
class RouteTest {
  private static final Pattern UPLOAD = Pattern.compile("^/v2/(.+)/blobs/uploads/([^/]*)$");
  private static final Pattern BLOB = Pattern.compile("^/v2/(.+)/blobs/([^/]+)$");
  private static final Pattern MANIFEST = Pattern.compile("^/v2/(.+)/manifests/([^/]+)$");
  private static final Pattern TAGS = Pattern.compile("^/v2/(.+)/tags/list$");
  private static final Pattern REFERRERS = Pattern.compile("^/v2/(.+)/referrers/([^/]+)$");

  static Route byRegex(String path) {
    if (path.equals("/v2/") || path.equals("/v2")) return new Route(Route.Kind.BASE, null, null);
    if (path.equals("/v2/_catalog")) return new Route(Route.Kind.CATALOG, null, null);
    if (path.equals("/token") || path.equals("/token/")) return new Route(Route.Kind.TOKEN, null, null);
    if (path.startsWith("/admin/v1/")) return new Route(Route.Kind.ADMIN, null, path);
    if (!path.startsWith("/v2/")) return null;
    Matcher m;
    if ((m = UPLOAD.matcher(path)).matches()) {
      return m.group(2).isEmpty() ? new Route(Route.Kind.UPLOAD_START, m.group(1), null) : new Route(Route.Kind.UPLOAD, m.group(1), m.group(2));
    }
    if ((m = MANIFEST.matcher(path)).matches()) return new Route(Route.Kind.MANIFEST, m.group(1), m.group(2));
    if ((m = BLOB.matcher(path)).matches()) return new Route(Route.Kind.BLOB, m.group(1), m.group(2));
    if ((m = TAGS.matcher(path)).matches()) return new Route(Route.Kind.TAGS, m.group(1), null);
    if ((m = REFERRERS.matcher(path)).matches()) return new Route(Route.Kind.REFERRERS, m.group(1), m.group(2));
    return null;
  }

  @Property(tries = 5000)
  void sameRoutesAsTheRegexes(@ForAll("paths") String path) {
    assertThat(Route.match(path)).as(path).isEqualTo(byRegex(path));
  }

  @Provide
  Arbitrary<String> paths() {
    Arbitrary<String> word = Arbitraries.of("", "a", "b/c", "blobs", "uploads", "manifests", "tags", "list", "referrers",
        "sha256:ab", "v2", "_catalog", "x.y", "/");
    return word.list().ofMinSize(0).ofMaxSize(6).flatMap(ws -> Arbitraries.of("/v2/", "/v2", "/", "/admin/v1/", "/token")
        .map(prefix -> prefix + String.join("/", ws)))
        .injectDuplicates(0.01);
  }
}
