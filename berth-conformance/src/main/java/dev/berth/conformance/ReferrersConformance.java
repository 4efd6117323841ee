package dev.berth.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The OCI 1.1 referrers API: OCI-Subject on PUT, GET /v2/<name>/referrers/<digest>, artifactType filtering. */
public interface ReferrersConformance extends SuiteSupport {

  String SBOM = "application/vnd.example.sbom.v1";
  String SIGNATURE = "application/vnd.example.signature.v1";

  /** Pushes an artifact (empty config, one payload layer) whose subject is {@code subject}. */
  private Manifest pushArtifact(String repo, Manifest subject, String artifactType, Map<String, String> annotations) {
    pushBlob(repo, Blob.EMPTY);
    Blob payload = pushBlob(repo, Blob.random(64).as(artifactType + "+json"));
    Map<String, JsonNode> extra = new HashMap<>();
    extra.put("artifactType", Docs.text(artifactType));
    extra.put("subject", subject.descriptor());
    if (!annotations.isEmpty()) extra.put("annotations", Docs.annotations(annotations));
    Manifest m = Docs.ociImage(Blob.EMPTY, List.of(payload), extra);
    Check.status(putManifest(repo, m.digest(), m), 201);
    return m;
  }

  /** GET /v2/<name>/referrers/<digest>[?query], treating 404 as "the API is not implemented". */
  private Response referrers(String repo, String subjectDigest, String query) {
    Response r = wire().get("/v2/" + repo + "/referrers/" + subjectDigest + (query == null ? "" : "?" + query));
    observed(Capability.REFERRERS, r.status() != 404,
        "GET /v2/<name>/referrers/<digest> answered 404 (" + r.contentTypeEssence() + " \"" + r.text().strip() + "\")");
    return r;
  }

  /** Asserts an image index response and returns its descriptors, following Link rel="next" pages. */
  private List<JsonNode> descriptors(Response first) {
    List<JsonNode> out = new ArrayList<>();
    Response r = first;
    for (int page = 0; page < 20; page++) {
      Check.status(r, 200);
      assertThat(r.contentTypeEssence()).as("Content-Type of the referrers response\n%s", r).isEqualTo(Docs.OCI_INDEX);
      JsonNode index = r.json();
      assertThat(index.path("schemaVersion").asInt()).as("schemaVersion\n%s", r).isEqualTo(2);
      assertThat(index.path("mediaType").asText()).as("mediaType\n%s", r).isEqualTo(Docs.OCI_INDEX);
      assertThat(index.path("manifests").isArray()).as("manifests is an array (empty when nothing refers)\n%s", r).isTrue();
      index.path("manifests").forEach(out::add);
      String next = Check.nextLink(r);
      if (next == null) return out;
      r = wire().get(next);
    }
    throw new AssertionError("more than 20 pages of referrers");
  }

  private static JsonNode byDigest(List<JsonNode> ds, String digest) {
    return ds.stream().filter(d -> d.path("digest").asText().equals(digest)).findFirst().orElse(null);
  }

  /** A manifest PUT with a subject answers OCI-Subject: <subject digest> (registries with the referrers API MUST). */
  @ReferrersTest
  default void manifestWithSubjectPutAnswersOciSubjectHeader() {
    String repo = repo("oci-subject");
    Manifest subject = pushImage(repo, "v1");
    pushBlob(repo, Blob.EMPTY);
    Blob payload = pushBlob(repo, Blob.random(32).as(SBOM + "+json"));
    Manifest m = Docs.ociImage(Blob.EMPTY, List.of(payload),
        Map.of("artifactType", Docs.text(SBOM), "subject", subject.descriptor()));
    Response r = putManifest(repo, m.digest(), m);
    Check.status(r, 201);
    observed(Capability.REFERRERS, r.header("OCI-Subject").isPresent(), "a manifest PUT with a subject answered without an OCI-Subject header");
    Check.header(r, "OCI-Subject", subject.digest());
  }

  /**
   * end-12a: an image index (Content-Type application/vnd.oci.image.index.v1+json) listing exactly
   * the manifests whose subject is the digest, each with mediaType, digest, size, artifactType and
   * the manifest's annotations.
   */
  @ReferrersTest
  default void referrersListsManifestsWithThatSubject() {
    String repo = repo("referrers");
    Manifest subject = pushImage(repo, "v1");
    Manifest other = pushImage(repo, "v2");
    Manifest sbom = pushArtifact(repo, subject, SBOM, Map.of("org.example.kind", "sbom"));
    Manifest sig = pushArtifact(repo, subject, SIGNATURE, Map.of("org.example.kind", "signature"));
    Manifest unrelated = pushArtifact(repo, other, SBOM, Map.of());

    List<JsonNode> ds = descriptors(referrers(repo, subject.digest(), null));
    assertThat(ds).as("referrers of %s: %s", subject.digest(), ds).hasSize(2);
    assertThat(byDigest(ds, unrelated.digest())).as("a manifest with another subject is not listed").isNull();
    for (Object[] expected : new Object[][] {{sbom, SBOM, "sbom"}, {sig, SIGNATURE, "signature"}}) {
      Manifest m = (Manifest) expected[0];
      JsonNode d = byDigest(ds, m.digest());
      assertThat(d).as("descriptor of %s in %s", m.digest(), ds).isNotNull();
      assertThat(d.path("mediaType").asText()).as("mediaType of %s", d).isEqualTo(Docs.OCI_MANIFEST);
      assertThat(d.path("size").asLong()).as("size of %s", d).isEqualTo(m.size());
      assertThat(d.path("artifactType").asText()).as("artifactType of %s", d).isEqualTo(expected[1]);
      assertThat(d.path("annotations").path("org.example.kind").asText()).as("annotations of %s", d).isEqualTo(expected[2]);
    }
  }

  /** A referrer without artifactType is listed with its config's mediaType as artifactType. */
  @ReferrersTest
  default void referrerWithoutArtifactTypeIsListedWithConfigMediaType() {
    String repo = repo("referrers-config-type");
    Manifest subject = pushImage(repo, "v1");
    String configType = "application/vnd.example.attestation.config.v1+json";
    Blob config = pushBlob(repo, Blob.of(configType, Docs.utf8("{\"predicate\":\"x\"}")));
    Blob layer = pushBlob(repo, Blob.random(40));
    ObjectNode subjectDescriptor = subject.descriptor();
    Manifest m = Docs.ociImage(config, List.of(layer), Map.of("subject", subjectDescriptor));
    Check.status(putManifest(repo, m.digest(), m), 201);

    List<JsonNode> ds = descriptors(referrers(repo, subject.digest(), null));
    JsonNode d = byDigest(ds, m.digest());
    assertThat(d).as("descriptor of %s in %s", m.digest(), ds).isNotNull();
    assertThat(d.path("artifactType").asText()).as("artifactType falls back to the config mediaType: %s", d).isEqualTo(configType);
  }

  /** end-12b: ?artifactType= returns only matching referrers and OCI-Filters-Applied: artifactType. */
  @ReferrersTest
  default void referrersFilterByArtifactType() {
    String repo = repo("referrers-filter");
    Manifest subject = pushImage(repo, "v1");
    Manifest sbom = pushArtifact(repo, subject, SBOM, Map.of());
    pushArtifact(repo, subject, SIGNATURE, Map.of());

    Response r = referrers(repo, subject.digest(), "artifactType=" + Wire.q(SBOM));
    Check.status(r, 200);
    observed(Capability.REFERRERS, r.header("OCI-Filters-Applied").isPresent(),
        "?artifactType= was not applied (no OCI-Filters-Applied header; the spec's filtering is a SHOULD)\n" + r);
    Check.header(r, "OCI-Filters-Applied", "artifactType");
    List<JsonNode> ds = descriptors(r);
    assertThat(ds).as("filtered referrers: %s", ds).hasSize(1);
    assertThat(ds.get(0).path("digest").asText()).isEqualTo(sbom.digest());
    assertThat(ds.get(0).path("artifactType").asText()).isEqualTo(SBOM);
  }

  /** A digest nothing refers to: 200 with an empty index (never 404). */
  @ReferrersTest
  default void referrersOfUnknownSubjectIsEmptyIndex() {
    String repo = repo("referrers-empty");
    pushImage(repo, "v1");
    List<JsonNode> ds = descriptors(referrers(repo, Blob.random(8).digest(), null));
    assertThat(ds).as("referrers of a digest nothing refers to").isEmpty();
  }

  /** A syntactically invalid digest is 400. */
  @ReferrersTest
  default void referrersWithInvalidDigestIs400() {
    String repo = repo("referrers-bad-digest");
    pushImage(repo, "v1");
    referrers(repo, Blob.random(8).digest(), null); // is the API there at all?
    Response r = wire().get("/v2/" + repo + "/referrers/sha256:not-a-digest");
    Check.status(r, 400);
    if (r.bodyIsJson()) Check.envelope(r);
  }

  /** Deleting a referrer removes it from its subject's referrers. */
  @ReferrersTest
  default void deletedReferrerLeavesTheList() {
    String repo = repo("referrers-delete");
    Manifest subject = pushImage(repo, "v1");
    Manifest keep = pushArtifact(repo, subject, SBOM, Map.of());
    Manifest gone = pushArtifact(repo, subject, SIGNATURE, Map.of());
    assertThat(descriptors(referrers(repo, subject.digest(), null))).hasSize(2);
    Response del = wire().delete("/v2/" + repo + "/manifests/" + gone.digest());
    observed(Capability.DELETE, del.status() == 202, "DELETE of a manifest answered " + del.status());
    List<JsonNode> ds = descriptors(referrers(repo, subject.digest(), null));
    assertThat(ds).as("referrers after deleting one: %s", ds).hasSize(1);
    assertThat(ds.get(0).path("digest").asText()).isEqualTo(keep.digest());
  }
}
