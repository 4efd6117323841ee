package dev.berth.client.remote;

import dev.berth.client.image.BlobSource;
import dev.berth.client.image.ImageSink;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Progress;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Reference;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An image going to a registry with push and pull scope (plus pull on the source repository when
 * it is on the same registry, for mounts). Blobs the repository has are skipped (HEAD); blobs of
 * another repository on the same registry are mounted; the rest are uploaded with resume.
 */
public final class RemoteSink implements ImageSink {
  private final Repo repo;
  private final Reference ref;
  private final AtomicLong bytesSent;

  public RemoteSink(RemoteContext ctx, Reference ref, ImageSource source, AtomicLong bytesSent) {
    this.ref = ref;
    this.bytesSent = bytesSent;
    List<String> mountFrom = source.remoteLocation()
        .filter(l -> l.registry().equals(ref.registry()) && !l.repository().equals(ref.repository().toString()))
        .map(l -> List.of(l.repository())).orElse(List.of());
    this.repo = ctx.repo(ref.registry(), ref.repository(), Set.of("pull", "push"), mountFrom);
  }

  @Override
  public String describe() {
    return ref.toString();
  }

  @Override
  public boolean hasBlob(Descriptor blob) {
    return BlobCheck.call(repo, blob.digest()).isPresent();
  }

  @Override
  public boolean mount(Descriptor blob, ImageSource from) {
    return from.remoteLocation()
        .filter(l -> l.registry().equals(ref.registry()) && !l.repository().equals(ref.repository().toString()))
        .map(l -> BlobMount.call(repo, blob.digest(), l.repository()))
        .orElse(false);
  }

  @Override
  public void putBlob(Descriptor blob, BlobSource content, Progress progress) {
    BlobUpload.push(repo, blob, content, progress, bytesSent);
  }

  @Override
  public void putManifest(Manifest manifest, boolean root) {
    String id = root && ref.tag() != null ? ref.tag() : manifest.digest().toString();
    if (root && ref.digest() != null && !ref.digest().equals(manifest.digest())) {
      throw dev.berth.client.error.ClientException.of(dev.berth.client.error.Category.USAGE, "push to " + ref,
          "the destination names digest " + ref.digest() + " but the image is " + manifest.digest(),
          "name the destination by tag, or by the image's own digest");
    }
    ManifestPush.call(repo, manifest, id);
  }
}
