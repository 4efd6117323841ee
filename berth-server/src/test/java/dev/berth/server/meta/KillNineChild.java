package dev.berth.server.meta;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link SqliteDurabilityTest}: pushes manifests and moves a tag as fast as
 * it can, printing {@code committed <i>} after each write returned, until it is killed.
 */
public final class KillNineChild {
  private KillNineChild() {}

  public static void main(String[] args) {
    RepositoryName repo = new RepositoryName("durable/repo");
    try (SqliteMetadataStore store = SqliteMetadataStore.open(Path.of(args[0]))) {
      for (int i = 0; i < 1_000_000; i++) {
        Digest layer = Digest.sha256(("layer-" + i).getBytes(UTF_8));
        store.putBlob(layer, i);
        ManifestRecord m = new ManifestRecord(Digest.sha256(("manifest-" + i).getBytes(UTF_8)),
            "application/vnd.oci.image.manifest.v1+json", 100, null, null, List.of(layer), List.of(), Map.of(), null);
        store.putManifest(repo, m, "t" + i);
        store.putManifest(repo, m, "latest");
        System.out.println("committed " + i);
        System.out.flush();
      }
    }
  }
}
