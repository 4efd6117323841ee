package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jib (jib-core, the library behind the Maven and Gradle plugins) builds images without a daemon
 * and pushes them over plain HTTP ({@code setAllowInsecureRegistries(true)}). The pushed image is
 * then read back with plain HTTP GETs and checked against what Jib reported and the files it was
 * given: manifest digest, image id (config digest), each layer's digest, diff_id and content.
 */
abstract class JibTests extends RegistryTestBase {
  private Path work;

  @BeforeAll
  final void setUpJib() {
    work = Dirs.shortTemp("bit-jib");
  }

  @AfterAll
  final void cleanUpJib() {
    Dirs.deleteQuietly(work);
  }

  @Test
  void imageFromScratchWithFileLayersIsServedAsJibReported() throws Exception {
    Map<String, String> config = Map.of("app/config/app.properties", "greeting=hello from jib on " + target().id() + "\n");
    Map<String, String> app = Map.of("app/bin/run.sh", "#!/bin/sh\necho run\n", "app/lib/readme.txt", "two files in one layer\n");
    JibContainerBuilder builder = Jib.fromScratch()
        .addFileEntriesLayer(layer("config", config))
        .addFileEntriesLayer(layer("app", app))
        .setEntrypoint("/app/bin/run.sh")
        .addLabel("dev.berth.it.target", target().id());
    String repo = "jib/app";

    JibContainer pushed = builder.containerize(containerizer(repo + ":1"));

    assertThat(pushed.isImagePushed()).isTrue();
    Pulled image = pull(repo, "1", pushed);
    assertThat(image.manifest().get("mediaType").asText()).isEqualTo("application/vnd.docker.distribution.manifest.v2+json");
    assertThat(image.layers()).hasSize(2);
    assertThat(image.layers().get(0)).isEqualTo(config);
    assertThat(image.layers().get(1)).isEqualTo(app);
    assertThat(image.config().at("/config/Entrypoint/0").asText()).isEqualTo("/app/bin/run.sh");
    assertThat(image.config().at("/config/Labels/dev.berth.it.target").asText()).isEqualTo(target().id());

    // the same build again: Jib finds every blob already there (HEAD) and gets the same digest
    JibContainer again = builder.containerize(containerizer(repo + ":2"));
    assertThat(again.getDigest()).isEqualTo(pushed.getDigest());
    JsonNode tags = new RegistryHttp(host()).tags(repo).assertStatus(200, "tags/list of " + repo).json();
    assertThat(tags.get("name").asText()).isEqualTo(repo);
    assertThat(tags.get("tags").toString()).contains("\"1\"", "\"2\"");
  }

  @Test
  void ociImageOnABaseImagePulledFromTheSameRegistry() throws Exception {
    Map<String, String> baseFiles = Map.of("etc/base-release", "berth-it base 1\n");
    JibContainer base = Jib.fromScratch()
        .addFileEntriesLayer(layer("base", baseFiles))
        .setFormat(ImageFormat.OCI)
        .containerize(containerizer("jib/base:1"));

    Map<String, String> appFiles = Map.of("srv/app.txt", "app on top of a base from " + target().id() + "\n");
    String baseRef = host() + "/jib/base:1";
    JibContainer app = Jib.from(RegistryImage.named(baseRef))
        .addFileEntriesLayer(layer("app", appFiles))
        .setFormat(ImageFormat.OCI)
        .setEntrypoint("/bin/true")
        .containerize(containerizer("jib/derived/app:1"));

    Pulled pulledBase = pull("jib/base", "1", base);
    Pulled derived = pull("jib/derived/app", "1", app);
    assertThat(derived.manifest().get("mediaType").asText()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(derived.layers()).containsExactly(baseFiles, appFiles);
    // the base layer is the very same blob in both repositories (Jib mounts or re-uses it)
    assertThat(derived.manifest().get("layers").get(0)).isEqualTo(pulledBase.manifest().get("layers").get(0));
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The image as the registry serves it, checked blob by blob on the way in. */
  private record Pulled(JsonNode manifest, JsonNode config, List<Map<String, String>> layers) {}

  /**
   * Reads {@code repo:tag} back with plain GETs and checks it against what Jib reported: the tag
   * resolves to Jib's digest, the manifest bytes hash to it, the config is Jib's image id, every
   * layer blob hashes to its descriptor digest and size and unpacks to a tar whose digest is the
   * diff_id in the config.
   */
  private Pulled pull(String repo, String tag, JibContainer jib) throws IOException {
    RegistryHttp http = new RegistryHttp(host());
    String digest = jib.getDigest().toString();
    RegistryHttp.Response byTag = http.manifest(repo, tag).assertStatus(200, "GET manifest " + repo + ":" + tag);
    assertThat(byTag.dockerContentDigest()).as("Docker-Content-Digest of %s:%s", repo, tag).isEqualTo(digest);
    assertThat(Sha256.of(byTag.body())).as("sha256 of the manifest served for %s:%s", repo, tag).isEqualTo(digest);
    RegistryHttp.Response byDigest = http.manifest(repo, digest).assertStatus(200, "GET manifest " + repo + "@" + digest);
    assertThat(byDigest.body()).isEqualTo(byTag.body());
    JsonNode manifest = byTag.json();

    JsonNode configDesc = manifest.get("config");
    assertThat(configDesc.get("digest").asText()).as("config digest = Jib's image id").isEqualTo(jib.getImageId().toString());
    RegistryHttp.Response configBlob = http.blob(repo, configDesc.get("digest").asText()).assertStatus(200, "GET config blob");
    assertThat(Sha256.of(configBlob.body())).isEqualTo(configDesc.get("digest").asText());
    JsonNode config = configBlob.json();
    JsonNode diffIds = config.at("/rootfs/diff_ids");

    List<Map<String, String>> layers = new ArrayList<>();
    JsonNode layerDescs = manifest.get("layers");
    assertThat(diffIds.size()).as("one diff_id per layer").isEqualTo(layerDescs.size());
    for (int i = 0; i < layerDescs.size(); i++) {
      JsonNode d = layerDescs.get(i);
      String layerDigest = d.get("digest").asText();
      byte[] blob = http.blob(repo, layerDigest).assertStatus(200, "GET layer " + layerDigest).body();
      assertThat(Sha256.of(blob)).as("layer %d blob digest", i).isEqualTo(layerDigest);
      assertThat((long) blob.length).as("layer %d size", i).isEqualTo(d.get("size").asLong());
      byte[] tar;
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(blob))) {
        tar = in.readAllBytes();
      }
      assertThat(Sha256.of(tar)).as("layer %d diff_id", i).isEqualTo(diffIds.get(i).asText());
      layers.add(regularFiles(TarReader.read(new ByteArrayInputStream(tar))));
    }
    return new Pulled(manifest, config, layers);
  }

  /** The regular files of a layer (directories left out), as text. */
  private static Map<String, String> regularFiles(Map<String, byte[]> entries) {
    Map<String, String> files = new LinkedHashMap<>();
    entries.forEach((name, data) -> {
      if (!name.endsWith("/")) {
        files.put(name, new String(data, StandardCharsets.UTF_8));
      }
    });
    return files;
  }

  /** A Jib layer of the given files (path in the image, without leading slash -> content). */
  private FileEntriesLayer layer(String name, Map<String, String> files) throws IOException {
    Path src = Files.createTempDirectory(work, "layer-" + name);
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path file = src.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
      layer.addEntry(file, AbsoluteUnixPath.get("/" + f.getKey()));
    }
    return layer.build();
  }

  private Containerizer containerizer(String repoAndTag) throws Exception {
    return Containerizer.to(RegistryImage.named(host() + "/" + repoAndTag))
        .setAllowInsecureRegistries(true)
        .setBaseImageLayersCache(work.resolve("cache/base"))
        .setApplicationLayersCache(work.resolve("cache/app"))
        .setToolName("berth-it")
        .addEventHandler(LogEvent.class, e -> {
          if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN || e.getLevel() == LogEvent.Level.LIFECYCLE) {
            Log.info("jib %s: %s", e.getLevel(), e.getMessage());
          }
        });
  }
}
