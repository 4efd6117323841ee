package dev.berth.server.http;

import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.auth.AccessControl;
import dev.berth.server.meta.ManifestRecord;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.registry.TagLists;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tag lists, the catalog and the referrers API, all served from the metadata index. */
public final class ListingResource {
  /** Page size of the catalog when the client names none. */
  static final int DEFAULT_CATALOG_PAGE = 1000;
  static final int MAX_PAGE = 10_000;

  private final AccessControl access;
  private final MetadataStore meta;
  private final TagLists tagLists;

  public ListingResource(AccessControl access, MetadataStore meta, TagLists tagLists) {
    this.access = access;
    this.meta = meta;
    this.tagLists = tagLists;
  }

  void tags(Exchange ex, Route route, RegistryHandler.Allowed allowed) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    access.require(ex, Scope.repository(repo.value(), Scope.PULL));
    Integer n = pageSize(ex);
    String last = ex.query("last");
    if (n == null) {
      TagLists.Listing listing = tagLists.get(repo).orElseThrow(() -> repositoryUnknown(repo));
      ex.send(200, "application/json", last == null ? listing.json() : listing.json(listing.page(last, Integer.MAX_VALUE)));
      return;
    }
    // one more than asked: is there a next page?
    List<String> tags = tagLists.page(repo, last, n + 1).orElseThrow(() -> repositoryUnknown(repo));
    if (tags.size() > n) {
      tags = tags.subList(0, n);
      if (n > 0) link(ex, "/v2/" + repo + "/tags/list", n, tags.get(n - 1));
    }
    ex.send(200, "application/json", TagLists.json(repo, tags));
  }

  private static RegistryException repositoryUnknown(RepositoryName repo) {
    return new RegistryException(ErrorCode.NAME_UNKNOWN, "repository " + repo + " is not known to this registry: nothing was pushed to it",
        ErrorDetail.reason("repository_unknown").with("repository", repo.value()));
  }

  void catalog(Exchange ex, RegistryHandler.Allowed allowed) throws IOException {
    access.require(ex, Scope.catalog());
    Integer n = pageSize(ex);
    int limit = n == null ? DEFAULT_CATALOG_PAGE : n;
    String last = ex.query("last");
    List<String> repos = limit == 0 ? List.of() : meta.repositories(last, limit + 1);
    if (repos.size() > limit) {
      repos = repos.subList(0, limit);
      link(ex, "/v2/_catalog", limit, repos.get(repos.size() - 1));
    }
    ex.sendJson(200, Map.of("repositories", repos));
  }

  void referrers(Exchange ex, Route route, RegistryHandler.Allowed allowed) throws IOException {
    RepositoryName repo = RepositoryName.parse(route.name());
    access.require(ex, Scope.repository(repo.value(), Scope.PULL));
    Digest subject = Digest.parse(route.reference());
    String artifactType = ex.query("artifactType");
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (ManifestRecord r : meta.referrers(repo, subject, artifactType)) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("mediaType", r.mediaType());
      d.put("digest", r.digest().toString());
      d.put("size", r.size());
      if (r.artifactType() != null) d.put("artifactType", r.artifactType());
      if (r.annotations() != null && !r.annotations().isEmpty()) d.put("annotations", r.annotations());
      manifests.add(d);
    }
    if (artifactType != null) {
      ex.setHeader("OCI-Filters-Applied", "artifactType");
    }
    Map<String, Object> index = new LinkedHashMap<>();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    index.put("manifests", manifests);
    ex.sendJson(200, MediaType.OCI_INDEX, index);
  }

  private static Integer pageSize(Exchange ex) {
    String s = ex.query("n");
    if (s == null || s.isEmpty()) return null;
    try {
      int n = Integer.parseInt(s);
      if (n < 0) throw new NumberFormatException();
      return Math.min(n, MAX_PAGE);
    } catch (NumberFormatException e) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "page size n=\"" + s + "\" is not a non-negative whole number",
          ErrorDetail.reason("page_size_invalid"), 400, null);
    }
  }

  private static void link(Exchange ex, String path, int n, String last) {
    ex.setHeader("Link", "<" + path + "?n=" + n + "&last=" + URLEncoder.encode(last, StandardCharsets.UTF_8) + ">; rel=\"next\"");
  }
}
