package dev.berth.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.RegistryException;
import dev.berth.oci.manifest.ManifestParser;
import dev.berth.oci.manifest.ParsedManifest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ManifestParserTest {
  static final String CFG = "sha256:" + "c".repeat(64);
  static final String L1 = "sha256:" + "1".repeat(64);

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void ociImageManifest() {
    ParsedManifest m = ManifestParser.parse(b("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
         "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":7},
         "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":32}],
         "annotations":{"a":"b"}}""".formatted(CFG, L1)), MediaType.OCI_MANIFEST);
    assertThat(m.blobs()).hasSize(2);
    assertThat(m.effectiveArtifactType()).isEqualTo(MediaType.OCI_CONFIG);
    assertThat(m.annotations()).containsEntry("a", "b");
  }

  @Test
  void artifactWithSubject() {
    ParsedManifest m = ManifestParser.parse(b("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.example.sbom",
         "config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},
         "layers":[],"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":100}}""".formatted(L1)), null);
    assertThat(m.subject().digest().toString()).isEqualTo(L1);
    assertThat(m.effectiveArtifactType()).isEqualTo("application/vnd.example.sbom");
  }

  @Test
  void indexAndManifestList() {
    ParsedManifest m = ManifestParser.parse(b("""
        {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":"%s","size":5,
           "platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}""".formatted(L1)), MediaType.DOCKER_MANIFEST_LIST);
    assertThat(m.isIndex()).isTrue();
    assertThat(m.manifests().get(0).platform().toString()).isEqualTo("linux/arm64/v8");
  }

  @Test
  void schema1IsRefusedWithTheReasonAndTheClients() {
    assertThatThrownBy(() -> ManifestParser.parse(b("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}"), MediaType.DOCKER_SCHEMA1_SIGNED))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("schema 1 is obsolete")
        .hasMessageContaining("older than 1.10");
    assertThatThrownBy(() -> ManifestParser.parse(b("{\"schemaVersion\":1}"), "application/json")).hasMessageContaining("schema 1 is obsolete");
  }

  @Test
  void mediaTypeMismatchNamesBoth() {
    assertThatThrownBy(() -> ManifestParser.parse(b("""
        {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"""), MediaType.OCI_MANIFEST))
        .hasMessageContaining("application/vnd.oci.image.index.v1+json").hasMessageContaining("Content-Type");
  }

  @Test
  void defectsAreManifestInvalidWithWhere() {
    String[] bad = {
        "not json",
        "[]",
        "{\"schemaVersion\":3}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:1\",\"size\":1}}",
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"x\",\"digest\":\"" + CFG + "\",\"size\":-1}}",
        "{\"schemaVersion\":2,\"schemaVersion\":2}",
    };
    for (String s : bad) {
      assertThatThrownBy(() -> ManifestParser.parse(b(s), null)).as(s)
          .isInstanceOf(RegistryException.class)
          .satisfies(e -> assertThat(((RegistryException) e).code()).isEqualTo(ErrorCode.MANIFEST_INVALID));
    }
    assertThatThrownBy(() -> ManifestParser.parse(b(bad[4]), null)).hasMessageContaining("config");
  }
}
