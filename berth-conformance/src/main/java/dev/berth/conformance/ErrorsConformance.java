package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/** Errors: the envelope on every 4xx, unknown sessions, invalid names, and berth's own promises. */
public interface ErrorsConformance extends SuiteSupport {

  /** A set of requests that must fail, each named by what it does. */
  private Map<String, Supplier<Response>> failingRequests(String repo, Manifest existing) {
    String missing = Blob.random(7).digest();
    String bogusUpload = "/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID();
    Map<String, Supplier<Response>> m = new LinkedHashMap<>();
    m.put("GET unknown blob", () -> getBlob(repo, missing));
    m.put("GET unknown manifest by tag", () -> getManifest(repo, "no-such-tag"));
    m.put("GET unknown manifest by digest", () -> getManifest(repo, missing));
    m.put("GET tags of unknown repository", () -> wire().get("/v2/" + repo("never-pushed") + "/tags/list"));
    m.put("GET unknown upload session", () -> wire().get(bogusUpload));
    m.put("PATCH unknown upload session", () -> wire().call("PATCH", bogusUpload).contentType("application/octet-stream")
        .header("Content-Range", "0-3").body(Blob.randomBytes(4)).send());
    m.put("PUT manifest that is not JSON", () -> putManifest(repo, "bad", Manifest.of(Docs.OCI_MANIFEST, Docs.utf8("not json"))));
    m.put("PUT manifest referencing a missing blob", () -> {
      Blob layer = Blob.random(9);
      return putManifest(repo, "broken", Docs.ociImage(Blob.EMPTY, List.of(layer)));
    });
    m.put("PUT blob with a wrong digest", () -> {
      String loc = location(startUpload(repo));
      return wire().call("PUT", Wire.withQuery(loc, "digest", missing)).contentType("application/octet-stream").body(Blob.randomBytes(3)).send();
    });
    m.put("PUT manifest by a mismatched digest", () -> putManifest(repo, missing, existing));
    return m;
  }

  /** Every 4xx whose body is JSON uses {"errors":[{"code","message","detail"}]} with a spec code. */
  @ErrorsTest
  default void every4xxWithJsonBodyUsesTheErrorEnvelope() {
    String repo = repo("envelope");
    Manifest existing = pushImage(repo, "v1");
    pushBlob(repo, Blob.EMPTY);
    List<String> notJson = new ArrayList<>();
    for (Map.Entry<String, Supplier<Response>> e : failingRequests(repo, existing).entrySet()) {
      Response r = e.getValue().get();
      assertThat(r.status()).as("%s fails with a 4xx\n%s", e.getKey(), r).isBetween(400, 499);
      if (r.bodyIsJson()) {
        Check.envelope(r);
      } else {
        notJson.add(e.getKey() + " -> " + r.status() + " " + r.contentTypeEssence());
      }
    }
    assertThat(notJson).as("errors the spec answers with a JSON envelope").isEmpty();
  }

  /**
   * A session id the registry never issued: 404 for GET, PATCH and PUT, with BLOB_UPLOAD_UNKNOWN.
   * BLOB_UPLOAD_INVALID is tolerated here: distribution signs its session state into the Location
   * ({@code ?_state=}) and answers a session it cannot verify with 404 BLOB_UPLOAD_INVALID. (A
   * session that did exist and was cancelled must be BLOB_UPLOAD_UNKNOWN; see the management area.)
   */
  @ErrorsTest
  default void unknownUploadSessionIs404() {
    String repo = repo("upload-unknown");
    pushBlob(repo, Blob.random(3));
    String bogus = "/v2/" + repo + "/blobs/uploads/" + UUID.randomUUID();
    String[] codes = {"BLOB_UPLOAD_UNKNOWN", "BLOB_UPLOAD_INVALID"};
    Check.error(wire().get(bogus), 404, codes);
    Check.error(wire().call("PATCH", bogus).contentType("application/octet-stream")
        .header("Content-Range", "0-3").body(Blob.randomBytes(4)).send(), 404, codes);
    Blob b = Blob.random(4);
    Check.error(wire().call("PUT", Wire.withQuery(bogus, "digest", b.digest())).contentType("application/octet-stream")
        .body(b.bytes()).send(), 404, codes);
  }

  /** Starting an upload in a malformed repository name: 400 NAME_INVALID; never accepted. */
  private void assertNameInvalid(String badName, String what) {
    Response r = wire().call("POST", "/v2/" + badName + "/blobs/uploads/").send();
    if (r.is2xx()) {
      r.header("Location").ifPresent(l -> wire().delete(l));
      throw new AssertionError("an upload to the invalid name " + badName + " (" + what + ") was accepted\n" + r);
    }
    boolean nameInvalid = r.status() == 400 && r.bodyIsJson() && Check.envelope(r).contains("NAME_INVALID");
    String observation = "POST /v2/" + badName + "/blobs/uploads/ (" + what + ") answered " + r.status()
        + (r.header("Location").isPresent() ? " Location: " + r.headerOrNull("Location") : "")
        + (r.body().length > 0 ? " " + r.contentTypeEssence() + " \"" + r.text().strip() + "\"" : "")
        + " instead of 400 NAME_INVALID";
    observed(Capability.NAME_INVALID, nameInvalid, observation);
    Check.error(r, 400, "NAME_INVALID");
  }

  @ErrorsTest
  default void uppercaseRepositoryNameIs400NameInvalid() {
    assertNameInvalid(target().namespace() + "/Upper-Case", "uppercase letters");
  }

  @ErrorsTest
  default void doubleSlashRepositoryNameIs400NameInvalid() {
    assertNameInvalid(target().namespace() + "//double", "an empty path component");
  }

  @ErrorsTest
  default void separatorAtComponentStartIs400NameInvalid() {
    assertNameInvalid(target().namespace() + "/-leading-dash", "a component starting with a separator");
  }

  // ---- berth ---------------------------------------------------------------------------------

  /** berth: every response, success or error, carries a distinct X-Request-Id. */
  @BerthTest
  default void everyResponseCarriesAnXRequestId() {
    requireDeclared(Capability.BERTH_EXTENSIONS);
    String repo = repo("request-id");
    List<Response> seen = new ArrayList<>();
    seen.add(wire().get("/v2/"));
    Response post = startUpload(repo);
    seen.add(post);
    Blob b = Blob.random(100);
    Response patch = wire().call("PATCH", location(post)).contentType("application/octet-stream").header("Content-Range", "0-99").body(b.bytes()).send();
    seen.add(patch);
    seen.add(wire().get(location(patch)));
    seen.add(wire().call("PUT", Wire.withQuery(location(patch), "digest", b.digest())).send());
    seen.add(headBlob(repo, b.digest()));
    seen.add(getBlob(repo, b.digest()));
    Blob config = pushBlob(repo, Docs.config(Docs.OCI_CONFIG, b));
    Manifest m = Docs.ociImage(config, List.of(b));
    seen.add(putManifest(repo, "v1", m));
    seen.add(getManifest(repo, "v1"));
    seen.add(headManifest(repo, m.digest()));
    seen.add(wire().get("/v2/" + repo + "/tags/list"));
    seen.add(wire().get("/v2/" + repo + "/referrers/" + m.digest()));
    seen.add(wire().get("/v2/_catalog?n=1"));
    failingRequests(repo, m).values().forEach(s -> seen.add(s.get()));
    outsideTheApi(repo).values().forEach(s -> seen.add(s.get()));
    Set<String> ids = new HashSet<>();
    List<String> problems = new ArrayList<>();
    for (Response r : seen) {
      String id = r.headerOrNull("X-Request-Id");
      if (id == null || id.isBlank()) problems.add("no X-Request-Id\n" + r);
      else if (!ids.add(id)) problems.add("X-Request-Id " + id + " seen twice\n" + r);
    }
    assertThat(problems).as("X-Request-Id on all %d responses", seen.size()).isEmpty();
  }

  /** Requests no API handler serves: unknown routes, a method a route does not have, a URI the HTTP layer refuses. */
  private Map<String, Supplier<Response>> outsideTheApi(String repo) {
    Map<String, Supplier<Response>> m = new LinkedHashMap<>();
    m.put("GET an unknown route under /v2/", () -> wire().get("/v2/" + repo + "/no-such-endpoint"));
    m.put("GET outside /v2/", () -> wire().get("/no-such-page"));
    m.put("DELETE /v2/ (method not allowed)", () -> wire().delete("/v2/"));
    m.put("POST with an empty path segment", () -> wire().call("POST", "/v2/" + repo + "//x/blobs/uploads/").send());
    return m;
  }

  /**
   * berth: one writer renders every error, so even requests no API handler serves (unknown routes,
   * wrong methods, URIs the HTTP layer refuses) get the JSON envelope and an X-Request-Id.
   */
  @BerthTest
  default void errorsOutsideTheApiRoutesUseTheEnvelopeToo() {
    requireDeclared(Capability.BERTH_EXTENSIONS);
    String repo = repo("outside");
    pushImage(repo, "v1");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Supplier<Response>> e : outsideTheApi(repo).entrySet()) {
      Response r = e.getValue().get();
      if (r.status() < 400 || r.status() > 499) problems.add(e.getKey() + ": status " + r.status() + "\n" + r);
      else if (!r.bodyIsJson()) problems.add(e.getKey() + ": " + r.status() + " body is not the JSON envelope\n" + r);
      else Check.envelope(r);
      if (r.header("X-Request-Id").isEmpty()) problems.add(e.getKey() + ": no X-Request-Id\n" + r);
    }
    assertThat(problems).as("errors outside the API routes").isEmpty();
  }

  /** berth: every error carries a non-empty human message (the docker CLI prints only "code: message"). */
  @BerthTest
  default void everyErrorHasANonEmptyHumanMessage() {
    requireDeclared(Capability.BERTH_EXTENSIONS);
    String repo = repo("messages");
    Manifest existing = pushImage(repo, "v1");
    for (Map.Entry<String, Supplier<Response>> e : failingRequests(repo, existing).entrySet()) {
      Response r = e.getValue().get();
      Check.envelope(r);
      for (JsonNode err : r.json().get("errors")) {
        String message = err.path("message").asText("");
        assertThat(message).as("%s: message of %s\n%s", e.getKey(), err.path("code").asText(), r).isNotBlank();
        assertThat(message).as("%s: message is more than the code\n%s", e.getKey(), r).isNotEqualToIgnoringCase(err.path("code").asText());
      }
    }
  }

  /** berth: an error message names what it is about (the digest, tag or repository), so it explains itself on one line. */
  @BerthTest
  default void errorMessagesNameTheThingTheyAreAbout() {
    requireDeclared(Capability.BERTH_EXTENSIONS);
    String repo = repo("explain");
    pushImage(repo, "v1");
    String missing = Blob.random(7).digest();
    String hexStart = missing.substring("sha256:".length(), "sha256:".length() + 12);
    JsonNode blob = Check.error(getBlob(repo, missing), 404, "BLOB_UNKNOWN");
    assertThat(blob.path("message").asText()).as("BLOB_UNKNOWN message names the digest: %s", blob).contains(hexStart);
    JsonNode tag = Check.error(getManifest(repo, "no-such-tag"), 404, "MANIFEST_UNKNOWN");
    assertThat(tag.path("message").asText()).as("MANIFEST_UNKNOWN message names the tag: %s", tag).contains("no-such-tag");
    String never = repo("never-pushed");
    JsonNode name = Check.error(wire().get("/v2/" + never + "/tags/list"), 404, "NAME_UNKNOWN");
    assertThat(name.path("message").asText()).as("NAME_UNKNOWN message names the repository: %s", name).contains(never);
  }
}
