package dev.berth.client.remote;

import dev.berth.client.image.BlobSource;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Reference;
import java.util.Optional;

/** An image in a registry, read with pull scope. */
public final class RemoteSource implements ImageSource {
  private final Repo repo;
  private final Reference ref;
  private Manifest root;

  public RemoteSource(RemoteContext ctx, Reference ref) {
    this.ref = ref;
    this.repo = ctx.repo(ref.registry(), ref.repository(), java.util.Set.of("pull"), java.util.List.of());
  }

  public Repo repo() {
    return repo;
  }

  @Override
  public String describe() {
    return ref.toString();
  }

  @Override
  public synchronized Manifest root() {
    if (root == null) root = ManifestFetch.get(repo, ref.identifier());
    return root;
  }

  @Override
  public Manifest manifest(Descriptor d) {
    return ManifestFetch.get(repo, d.digest().toString());
  }

  @Override
  public BlobSource blob(Descriptor d) {
    return offset -> BlobFetch.call(repo, d.digest(), offset);
  }

  @Override
  public Optional<RemoteLocation> remoteLocation() {
    return Optional.of(new RemoteLocation(ref.registry(), ref.repository().toString()));
  }

  @Override
  public Optional<String> nameForArchive() {
    return ref.tag() == null ? Optional.empty() : Optional.of(archiveName(ref));
  }

  /** docker's short form: {@code hoge/app:1} on Docker Hub, {@code host:port/repo:tag} elsewhere. */
  static String archiveName(Reference r) {
    String repoName = r.repository().toString();
    if (r.registry().equals(Reference.DOCKER_HUB)) {
      if (repoName.startsWith("library/")) repoName = repoName.substring(8);
      return repoName + ":" + r.tag();
    }
    return r.registry() + "/" + repoName + ":" + r.tag();
  }
}
