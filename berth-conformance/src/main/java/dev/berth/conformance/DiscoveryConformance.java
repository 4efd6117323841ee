package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Content discovery: tags lists and the catalog, with n/last pagination and Link headers. */
public interface DiscoveryConformance extends SuiteSupport {

  private static List<String> strings(Response r, String field) {
    JsonNode arr = r.json().get(field);
    assertThat(arr != null && (arr.isArray() || arr.isNull())).as("\"%s\" is an array\n%s", field, r).isTrue();
    List<String> out = new ArrayList<>();
    if (arr.isArray()) arr.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** Pushes one image and tags it with each of {@code tags} (pushed in the order given). */
  private void tagImage(String repo, List<String> tags) {
    Manifest m = pushImage(repo, tags.get(0));
    for (String t : tags.subList(1, tags.size())) pushManifest(repo, t, m);
  }

  List<String> TAGS = List.of("delta", "alpha", "echo", "charlie", "bravo", "1.0", "1.1");
  List<String> TAGS_SORTED = List.of("1.0", "1.1", "alpha", "bravo", "charlie", "delta", "echo");

  /** end-8a: 200 with {"name": <name>, "tags": [...]} holding every tag, in lexical order. */
  @DiscoveryTest
  default void tagsListHoldsEveryTagInLexicalOrder() {
    String repo = repo("tags");
    tagImage(repo, TAGS);
    Response r = wire().get("/v2/" + repo + "/tags/list");
    Check.status(r, 200);
    assertThat(r.json().path("name").asText()).as("name\n%s", r).isEqualTo(repo);
    List<String> tags = strings(r, "tags");
    assertThat(tags).as("every tag\n%s", r).containsExactlyInAnyOrderElementsOf(TAGS_SORTED);
    observed(Capability.TAG_ORDER, tags.equals(TAGS_SORTED), "tags/list returned " + tags + ", not in lexical order");
  }

  /** end-8b: ?n= returns at most n tags and a Link rel="next" to the rest; following the links yields every tag once, in order. */
  @DiscoveryTest
  default void tagsListPaginatesWithNAndLinkHeader() {
    String repo = repo("tags-page");
    tagImage(repo, TAGS);
    Response first = wire().get("/v2/" + repo + "/tags/list?n=3");
    Check.status(first, 200);
    List<String> page = strings(first, "tags");
    observed(Capability.TAG_PAGINATION, page.size() <= 3,
        "tags/list?n=3 returned " + page.size() + " tags " + page + " (n ignored)");
    assertThat(page).as("first page\n%s", first).containsExactlyElementsOf(TAGS_SORTED.subList(0, 3));
    String next = Check.nextLink(first);
    observed(Capability.TAG_PAGINATION, next != null, "a partial page of tags carries no Link rel=\"next\" header\n" + first);

    List<String> all = new ArrayList<>(page);
    for (int i = 0; next != null && i < 10; i++) {
      Response r = wire().get(next);
      Check.status(r, 200);
      List<String> p = strings(r, "tags");
      assertThat(p.size()).as("page size\n%s", r).isLessThanOrEqualTo(3);
      all.addAll(p);
      next = Check.nextLink(r);
    }
    assertThat(next).as("the last page has no Link rel=\"next\"").isNull();
    assertThat(all).as("all pages together").containsExactlyElementsOf(TAGS_SORTED);
  }

  /** end-8b: ?n=&last=<tag> returns the tags after <tag> (exclusive), in order. */
  @DiscoveryTest
  default void tagsListLastReturnsTagsAfterTheGivenOne() {
    String repo = repo("tags-last");
    tagImage(repo, TAGS);
    Response r = wire().get("/v2/" + repo + "/tags/list?n=2&last=alpha");
    Check.status(r, 200);
    List<String> tags = strings(r, "tags");
    observed(Capability.TAG_PAGINATION, tags.equals(TAGS_SORTED.subList(3, 5)),
        "tags/list?n=2&last=alpha returned " + tags + " instead of [bravo, charlie]");
    Response rest = wire().get("/v2/" + repo + "/tags/list?last=charlie");
    Check.status(rest, 200);
    assertThat(strings(rest, "tags")).as("tags after charlie\n%s", rest).containsExactly("delta", "echo");
  }

  /** ?n=0 returns an empty list and no Link header. */
  @DiscoveryTest
  default void tagsListWithNZeroIsEmptyWithoutLink() {
    String repo = repo("tags-n0");
    tagImage(repo, List.of("a", "b"));
    Response r = wire().get("/v2/" + repo + "/tags/list?n=0");
    Check.status(r, 200);
    List<String> tags = strings(r, "tags");
    observed(Capability.TAG_PAGINATION, tags.isEmpty(), "tags/list?n=0 returned " + tags);
    assertThat(Check.nextLink(r)).as("no Link with n=0\n%s", r).isNull();
  }

  /** Tags of a repository that does not exist: 404 NAME_UNKNOWN. */
  @DiscoveryTest
  default void tagsListOfUnknownRepositoryIs404NameUnknown() {
    Check.error(wire().get("/v2/" + repo("never-pushed") + "/tags/list"), 404, "NAME_UNKNOWN");
  }

  /** Follows the catalog from {@code ?n=<n>&last=<last>} and returns at most {@code limit} names. */
  private List<String> catalogFrom(String last, int n, int limit, List<Response> pages) {
    List<String> out = new ArrayList<>();
    String next = "/v2/_catalog?n=" + n + "&last=" + Wire.q(last);
    while (next != null && out.size() < limit) {
      Response r = wire().get(next);
      Check.status(r, 200);
      pages.add(r);
      List<String> names = strings(r, "repositories");
      assertThat(names.size()).as("catalog page size with n=%d\n%s", n, r).isLessThanOrEqualTo(n);
      out.addAll(names);
      next = Check.nextLink(r);
    }
    return out;
  }

  /** /v2/_catalog lists pushed repositories in lexical order. */
  @DiscoveryTest
  default void catalogListsPushedRepositories() {
    String base = repo("catalog");
    List<String> mine = List.of(base + "/one", base + "/three", base + "/two");
    for (String r : mine) pushImage(r, "x");
    Response probe = wire().get("/v2/_catalog?n=100&last=" + Wire.q(base));
    observed(Capability.CATALOG, probe.status() == 200, "GET /v2/_catalog answered " + probe.status());
    List<String> listed = catalogFrom(base, 100, 3, new ArrayList<>());
    assertThat(listed.subList(0, Math.min(3, listed.size()))).as("catalog after %s", base).containsExactlyElementsOf(mine);
  }

  /** /v2/_catalog?n=2 returns two names and a Link rel="next"; the next page continues in order. */
  @DiscoveryTest
  default void catalogPaginatesWithNAndLinkHeader() {
    String base = repo("catalog-page");
    List<String> mine = List.of(base + "/a", base + "/b", base + "/c");
    for (String r : mine) pushImage(r, "x");
    Response first = wire().get("/v2/_catalog?n=2&last=" + Wire.q(base));
    observed(Capability.CATALOG, first.status() == 200, "GET /v2/_catalog answered " + first.status());
    List<String> names = strings(first, "repositories");
    assertThat(names).as("first page\n%s", first).containsExactly(base + "/a", base + "/b");
    String next = Check.nextLink(first);
    assertThat(next).as("Link rel=\"next\" on a full page\n%s", first).isNotNull();
    Response second = wire().get(next);
    Check.status(second, 200);
    List<String> more = strings(second, "repositories");
    assertThat(more).as("second page\n%s", second).isNotEmpty();
    assertThat(more.get(0)).as("second page starts after the first\n%s", second).isEqualTo(base + "/c");
  }
}
