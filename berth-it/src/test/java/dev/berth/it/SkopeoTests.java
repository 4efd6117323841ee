package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * skopeo (containers/image) against the registry: an OCI layout written by the test, with one
 * 200 MiB incompressible layer, copied up and back down byte for byte; then inspect, list-tags
 * and delete as a user would run them.
 */
abstract class SkopeoTests extends RegistryTestBase {
  static final long BIG_LAYER_SIZE = 200L << 20;

  private static OciLayout.Image bigImage;

  private Path work;
  private Skopeo skopeo;

  @BeforeAll
  final void setUpSkopeo() {
    work = Dirs.shortTemp("bit-skopeo");
    skopeo = Skopeo.create(work.resolve("home"));
  }

  @AfterAll
  final void cleanUpSkopeo() {
    Dirs.deleteQuietly(work);
  }

  /** The big image, written once per JVM and shared read-only by the classes of every target. */
  static synchronized OciLayout.Image bigImage() {
    if (bigImage == null) {
      Path dir = Dirs.shortTemp("bit-oci");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Dirs.deleteQuietly(dir)));
      long start = System.nanoTime();
      bigImage = new OciLayout.Builder(dir)
          .layer(tar -> tar.directory("etc").directory("etc/berth-it")
              .file("etc/berth-it/hello.txt", 0644, "hello from an OCI layout\n".getBytes(StandardCharsets.UTF_8)))
          .layer(tar -> tar.directory("app")
              .file("app/run.sh", 0755, "#!/bin/sh\necho run\n".getBytes(StandardCharsets.UTF_8))
              .file("app/data.bin", 0644, 64 * 1024, OciLayout.randomBytes(7, 64 * 1024))
              .symlink("app/current", "run.sh"))
          .layer(tar -> tar.directory("big").file("big/random.bin", 0644, BIG_LAYER_SIZE, OciLayout.randomBytes(42, BIG_LAYER_SIZE)))
          .layer(tar -> tar.file("app/VERSION", 0644, "1.0.0\n".getBytes(StandardCharsets.UTF_8)))
          .label("dev.berth.it.image", "big")
          .build("v1");
      Log.info("wrote OCI layout with a %d MiB layer in %d ms: %s", BIG_LAYER_SIZE >> 20,
          (System.nanoTime() - start) / 1_000_000, dir);
    }
    return bigImage;
  }

  @Test
  void layoutWithA200MiBLayerRoundTripsWithIdenticalDigests() {
    OciLayout.Image image = bigImage();
    String remote = "docker://" + host() + "/a/b/c:v1";

    skopeo.ok("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + image.dir() + ":v1", remote);

    Path back = work.resolve("back");
    skopeo.ok("copy", "--preserve-digests", "--src-tls-verify=false", "--dest-oci-accept-uncompressed-layers",
        remote, "oci:" + back + ":v1");

    assertThat(OciLayout.manifestDigest(back, "v1")).as("manifest digest after the round trip").isEqualTo(image.manifest().digest());
    Map<String, Long> expected = new TreeMap<>();
    expected.put(image.manifest().digest(), image.manifest().size());
    expected.put(image.config().digest(), image.config().size());
    image.layers().forEach(l -> expected.put(l.digest(), l.size()));
    assertThat(OciLayout.verifiedBlobs(back)).as("every blob (digest -> size) pulled back, each re-hashed")
        .isEqualTo(expected);
    assertThat(image.layers()).anySatisfy(l -> assertThat(l.size()).isGreaterThan(BIG_LAYER_SIZE));

    // what the registry serves is the manifest exactly as uploaded
    byte[] raw = skopeo.ok("inspect", "--raw", "--tls-verify=false", remote).stdout().getBytes(StandardCharsets.UTF_8);
    assertThat(Sha256.of(raw)).isEqualTo(image.manifest().digest());
    RegistryHttp.Response served = new RegistryHttp(host()).manifest("a/b/c", "v1").assertStatus(200, "GET manifest a/b/c:v1");
    assertThat(served.dockerContentDigest()).isEqualTo(image.manifest().digest());
    assertThat(served.body()).isEqualTo(image.manifestBytes());
    assertThat(served.contentType()).isEqualTo(OciLayout.MANIFEST_TYPE);
  }

  @Test
  void inspectListTagsAndDelete() throws IOException {
    OciLayout.Image one = smallImage("one");
    OciLayout.Image two = smallImage("two");
    String repo = host() + "/a/b/lifecycle";

    skopeo.ok("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + one.dir() + ":v1", "docker://" + repo + ":v1");
    skopeo.ok("copy", "--preserve-digests", "--dest-tls-verify=false", "oci:" + two.dir() + ":v1", "docker://" + repo + ":keep");
    // registry to registry: every blob is already there, only the manifest moves
    skopeo.ok("copy", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
        "docker://" + repo + ":v1", "docker://" + repo + ":v1-alias");

    JsonNode inspected = json(skopeo.ok("inspect", "--tls-verify=false", "docker://" + repo + ":v1"));
    assertThat(inspected.get("Name").asText()).isEqualTo(repo);
    assertThat(inspected.get("Digest").asText()).isEqualTo(one.manifest().digest());
    assertThat(texts(inspected.get("Layers"))).containsExactlyElementsOf(one.layers().stream().map(OciLayout.Descriptor::digest).toList());
    assertThat(inspected.get("Labels").get("dev.berth.it.image").asText()).isEqualTo("one");
    assertThat(inspected.get("Architecture").asText()).isEqualTo("amd64");
    assertThat(texts(inspected.get("RepoTags"))).containsExactlyInAnyOrder("v1", "v1-alias", "keep");

    byte[] rawConfig = skopeo.ok("inspect", "--config", "--raw", "--tls-verify=false", "docker://" + repo + ":v1")
        .stdout().getBytes(StandardCharsets.UTF_8);
    assertThat(Sha256.of(rawConfig)).as("config served byte for byte").isEqualTo(one.config().digest());

    JsonNode tags = json(skopeo.ok("list-tags", "--tls-verify=false", "docker://" + repo));
    assertThat(texts(tags.get("Tags"))).containsExactlyInAnyOrder("v1", "v1-alias", "keep");

    // delete removes the manifest that v1 points at, and with it every tag that points at it
    skopeo.ok("delete", "--tls-verify=false", "docker://" + repo + ":v1");

    for (String gone : List.of(":v1", ":v1-alias", "@" + one.manifest().digest())) {
      Command.Result r = skopeo.run("inspect", "--tls-verify=false", "docker://" + repo + gone).assertFailure();
      assertThat(r.stderr()).as("inspect %s after delete:\n%s", gone, r.describe()).containsIgnoringCase("manifest unknown");
    }
    JsonNode kept = json(skopeo.ok("inspect", "--tls-verify=false", "docker://" + repo + ":keep"));
    assertThat(kept.get("Digest").asText()).isEqualTo(two.manifest().digest());
    assertThat(texts(json(skopeo.ok("list-tags", "--tls-verify=false", "docker://" + repo)).get("Tags")))
        .containsExactly("keep");
  }

  @Test
  void multiPlatformIndexRoundTripsWithAll() {
    Path dir = work.resolve("multi");
    Map<String, OciLayout.Image> images = new LinkedHashMap<>();
    for (String arch : List.of("amd64", "arm64")) {
      images.put(arch, new OciLayout.Builder(dir)
          .architecture(arch)
          .layer(tar -> tar.directory("app").file("app/arch.txt", 0644, (arch + "\n").getBytes(StandardCharsets.UTF_8)))
          .layer(tar -> tar.file("app/shared.txt", 0644, "same layer on every platform\n".getBytes(StandardCharsets.UTF_8)))
          .label("dev.berth.it.arch", arch)
          .buildManifest("1"));
    }
    OciLayout.MultiPlatform multi = OciLayout.index(dir, "1", images);
    String remote = "docker://" + host() + "/a/b/multi:1";

    skopeo.ok("copy", "--all", "--preserve-digests", "--dest-tls-verify=false", "oci:" + dir + ":1", remote);

    // the tag resolves to the index, served byte for byte
    RegistryHttp.Response served = new RegistryHttp(host()).manifest("a/b/multi", "1").assertStatus(200, "GET index a/b/multi:1");
    assertThat(served.dockerContentDigest()).isEqualTo(multi.index().digest());
    assertThat(served.contentType()).isEqualTo(OciLayout.INDEX_TYPE);
    assertThat(served.body()).isEqualTo(multi.indexBytes());
    // a client asking for one platform gets that platform's image (skopeo reports the index digest)
    JsonNode arm = json(skopeo.ok("inspect", "--tls-verify=false", "--override-arch", "arm64", "--override-os", "linux", remote));
    assertThat(arm.get("Digest").asText()).isEqualTo(multi.index().digest());
    assertThat(arm.get("Architecture").asText()).isEqualTo("arm64");
    assertThat(arm.get("Labels").get("dev.berth.it.arch").asText()).isEqualTo("arm64");
    assertThat(texts(arm.get("Layers"))).containsExactlyElementsOf(
        images.get("arm64").layers().stream().map(OciLayout.Descriptor::digest).toList());

    Path back = work.resolve("multi-back");
    skopeo.ok("copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-oci-accept-uncompressed-layers",
        remote, "oci:" + back + ":1");
    assertThat(OciLayout.manifestDigest(back, "1")).isEqualTo(multi.index().digest());
    assertThat(OciLayout.verifiedBlobs(back)).isEqualTo(OciLayout.verifiedBlobs(dir));
  }

  /** A small image whose config differs by a label, so that each variant has its own manifest. */
  private OciLayout.Image smallImage(String variant) throws IOException {
    Path dir = work.resolve("small-" + variant);
    Files.createDirectories(dir);
    return new OciLayout.Builder(dir)
        .layer(tar -> tar.directory("app").file("app/run.sh", 0755, "#!/bin/sh\necho small\n".getBytes(StandardCharsets.UTF_8)))
        .layer(tar -> tar.file("app/data.bin", 0644, 32 * 1024, OciLayout.randomBytes(variant.hashCode(), 32 * 1024)))
        .label("dev.berth.it.image", variant)
        .build("v1");
  }

  private static JsonNode json(Command.Result r) {
    try {
      return RegistryHttp.JSON.readTree(r.stdout());
    } catch (IOException e) {
      throw new AssertionError("not JSON:\n" + r.describe(), e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
