package dev.berth.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.image.Progress;
import dev.berth.client.testing.CuttingProxy;
import dev.berth.client.testing.DistributionRegistry;
import dev.berth.client.testing.TestImages;
import dev.berth.client.transport.RetryPolicy;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection cut in the middle of a large layer upload, against distribution 2.8. That registry
 * keeps the bytes of the broken PATCH but its upload state (the HMAC'd {@code _state} in the
 * Location) still names the last acknowledged offset, and it cancels a session whose size and
 * state disagree: the GET that asks for the Range answers 404. So against distribution the client
 * must start the blob over; the push still completes. (Resuming from the acknowledged Range is
 * shown against berth's own server in berth-cli's ResumeAgainstBerthTest.)
 */
class ResumeTest {
  static final long LAYER = 40L << 20;
  static final long CHUNK = 4L << 20;

  @Test
  void pushCompletesAfterTheConnectionIsCut_distributionLosesTheSessionSoTheBlobStartsOver(@TempDir Path tmp) throws Exception {
    Digest d = TestImages.image(tmp.resolve("src"), "big", 42, LAYER);
    try (DistributionRegistry registry = DistributionRegistry.start(tmp.resolve("registry"));
        CuttingProxy proxy = new CuttingProxy(registry.port(), 18L << 20)) {
      List<Long> resumedAt = new CopyOnWriteArrayList<>();
      Progress progress = new Progress() {
        @Override
        public void blobResumed(Descriptor blob, long offset, String why) {
          resumedAt.add(offset);
        }
      };
      RegistryClient client = RegistryClient.builder().chunkSize(CHUNK)
          .retry(new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200))).build();
      CopyResult r = client.copy("oci:" + tmp.resolve("src") + ":big", proxy.host() + "/resume/app:big",
          CopyOptions.defaults().withProgress(progress));

      assertThat(proxy.didCut()).isTrue();
      assertThat(r.digest()).isEqualTo(d);
      assertThat(resumedAt).containsExactly(0L);
      long layerSize = client.manifest(proxy.host() + "/resume/app:big").parsed().layers().get(0).size();
      assertThat(r.bytesUploaded()).isLessThanOrEqualTo(2 * layerSize + 4096);

      // And what landed is the image: pull it back directly and compare.
      CopyResult back = client.copy(registry.host() + "/resume/app:big", "oci:" + tmp.resolve("back") + ":big", CopyOptions.defaults());
      assertThat(back.digest()).isEqualTo(d);
      assertThat(TestImages.blobNames(tmp.resolve("back"))).isEqualTo(TestImages.blobNames(tmp.resolve("src")));
    }
  }
}
