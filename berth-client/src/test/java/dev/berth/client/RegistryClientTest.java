package dev.berth.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.Platform;
import dev.berth.client.testing.DistributionRegistry;
import dev.berth.client.testing.TestImages;
import dev.berth.client.transport.RetryPolicy;
import dev.berth.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real registry: Debian's docker-registry (distribution 2.8). */
class RegistryClientTest {
  @TempDir static Path shared;
  static DistributionRegistry registry;
  static RegistryClient client;

  @BeforeAll
  static void start() throws Exception {
    registry = DistributionRegistry.start(shared.resolve("registry"));
    client = RegistryClient.builder().version("test").retry(new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200))).build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) registry.close();
  }

  @Test
  void push_thenPull_givesTheSameBytes_andASecondPushSkipsEveryBlob(@TempDir Path tmp) throws Exception {
    Digest d = TestImages.image(tmp.resolve("src"), "1.0", 1, 1000, 200_000, 3_000_000);
    String ref = registry.host() + "/hoge/fuga/app:1.0";

    CopyResult pushed = client.copy("oci:" + tmp.resolve("src") + ":1.0", ref, CopyOptions.defaults());
    assertThat(pushed.digest()).isEqualTo(d);
    assertThat(pushed.blobsCopied()).isEqualTo(4);

    CopyResult again = client.copy("oci:" + tmp.resolve("src") + ":1.0", ref, CopyOptions.defaults());
    assertThat(again.blobsCopied()).isZero();
    assertThat(again.blobsExisting()).isEqualTo(4);
    assertThat(again.bytesUploaded()).isZero();

    CopyResult pulled = client.copy(ref, "oci:" + tmp.resolve("back") + ":1.0", CopyOptions.defaults());
    assertThat(pulled.digest()).isEqualTo(d);
    assertThat(TestImages.blobNames(tmp.resolve("back"))).isEqualTo(TestImages.blobNames(tmp.resolve("src")));
    assertThat(client.digest(ref)).isEqualTo(d);
    assertThat(client.digest("oci:" + tmp.resolve("back") + ":1.0")).isEqualTo(d);
  }

  @Test
  void anIndex_copiesWhole_orOnePlatform(@TempDir Path tmp) throws Exception {
    Digest idx = TestImages.index(tmp.resolve("src"), "multi", 7);
    String ref = registry.host() + "/multi/app:1";
    assertThat(client.copy("oci:" + tmp.resolve("src") + ":multi", ref, CopyOptions.defaults()).digest()).isEqualTo(idx);
    assertThat(client.manifest(ref).isIndex()).isTrue();

    var arm = client.manifest(ref).parsed().manifests().stream().filter(m -> m.platform().architecture().equals("arm64")).findFirst().orElseThrow();
    CopyResult one = client.copy(ref, "oci:" + tmp.resolve("arm"), CopyOptions.defaults().withPlatforms(List.of(Platform.parse("linux/arm64"))));
    assertThat(one.digest()).isEqualTo(arm.digest());
    assertThat(new String(client.config("oci:" + tmp.resolve("arm"), null))).contains("\"arm64\"");

    assertThatThrownBy(() -> client.copy(ref, "oci:" + tmp.resolve("none"), CopyOptions.defaults().withPlatforms(List.of(Platform.parse("linux/s390x")))))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.category()).isEqualTo(Category.NOT_FOUND);
          assertThat(e.why()).contains("linux/amd64").contains("linux/arm64");
        });
  }

  @Test
  void copyWithinARegistry_mountsBlobs_andTagMovesNoData(@TempDir Path tmp) throws Exception {
    TestImages.image(tmp.resolve("src"), "1", 3, 5000, 6000);
    String a = registry.host() + "/team-a/app:1";
    client.copy("oci:" + tmp.resolve("src") + ":1", a, CopyOptions.defaults());

    CopyResult r = client.copy(a, registry.host() + "/team-b/app:1", CopyOptions.defaults());
    assertThat(r.blobsMounted()).isEqualTo(3);
    assertThat(r.bytesUploaded()).isZero();

    Digest d = client.tag(a, "stable");
    assertThat(client.tags(registry.host() + "/team-a/app")).containsExactlyInAnyOrder("1", "stable");
    assertThat(client.digest(registry.host() + "/team-a/app:stable")).isEqualTo(d);

    assertThat(client.delete(registry.host() + "/team-a/app:stable")).isEqualTo(d);
    assertThatThrownBy(() -> client.digest(a)).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.category()).isEqualTo(Category.NOT_FOUND));
  }

  @Test
  void dockerArchive_roundTripsThroughARegistry(@TempDir Path tmp) throws Exception {
    Digest d = TestImages.image(tmp.resolve("src"), "1", 11, 10_000, 70_000);
    Path tar = tmp.resolve("image.tar");
    client.copy("oci:" + tmp.resolve("src") + ":1", "docker-archive:" + tar + ":example.com/app:1", CopyOptions.defaults());
    assertThat(tar).isRegularFile();

    String ref = registry.host() + "/archive/app:1";
    CopyResult pushed = client.copy("docker-archive:" + tar, ref, CopyOptions.defaults());
    assertThat(pushed.blobsCopied()).isEqualTo(3);
    // Same config (so same image ID for docker), though layers were recompressed.
    assertThat(client.config(ref, null)).isEqualTo(client.config("oci:" + tmp.resolve("src") + ":1", null));
    assertThat(pushed.digest()).isNotEqualTo(d);

    Path again = tmp.resolve("again.tar");
    client.copy(ref, "docker-archive:" + again, CopyOptions.defaults());
    assertThat(client.config("docker-archive:" + again, null)).isEqualTo(client.config("oci:" + tmp.resolve("src") + ":1", null));
  }

  @Test
  void corruptSourceBlob_isRefusedBeforeAnythingIsNamed(@TempDir Path tmp) throws Exception {
    TestImages.image(tmp.resolve("src"), "1", 5, 4000);
    String ref = registry.host() + "/corrupt/app:1";
    client.copy("oci:" + tmp.resolve("src") + ":1", ref, CopyOptions.defaults());
    // Corrupt the pulled copy's source: a layout whose layer no longer matches its digest.
    var layer = client.manifest(ref).parsed().layers().get(0);
    Path blob = tmp.resolve("src/blobs/sha256/" + layer.digest().hex());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);
    assertThatThrownBy(() -> client.copy("oci:" + tmp.resolve("src") + ":1", "oci:" + tmp.resolve("dst") + ":1", CopyOptions.defaults()))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.category()).isEqualTo(Category.INTEGRITY));
    assertThat(tmp.resolve("dst/index.json")).doesNotExist();
    assertThat(tmp.resolve("dst/blobs/sha256/" + layer.digest().hex())).doesNotExist();

    assertThatThrownBy(() -> client.copy("oci:" + tmp.resolve("src") + ":1", registry.host() + "/corrupt/other:1", CopyOptions.defaults()))
        .isInstanceOfSatisfying(ClientException.class, e -> {
          assertThat(e.category()).isEqualTo(Category.INTEGRITY);
          assertThat(e.registryCode()).isEqualTo("DIGEST_INVALID");
        });
  }

  @Test
  void unknownThings_sayWhatWasMissing() {
    assertThatThrownBy(() -> client.digest(registry.host() + "/nope/app:1")).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.category()).isEqualTo(Category.NOT_FOUND);
      assertThat(e.category().exitCode()).isEqualTo(4);
    });
    assertThatThrownBy(() -> client.manifest(registry.host() + "/nope/app:1")).isInstanceOfSatisfying(ClientException.class, e -> {
      assertThat(e.registryCode()).isIn("MANIFEST_UNKNOWN", "NAME_UNKNOWN");
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.render()).contains("why:").contains("fix:");
    });
    assertThatThrownBy(() -> client.digest("127.0.0.1:1/nothing/here:1")).isInstanceOfSatisfying(ClientException.class,
        e -> assertThat(e.category()).isEqualTo(Category.NETWORK));
  }
}
