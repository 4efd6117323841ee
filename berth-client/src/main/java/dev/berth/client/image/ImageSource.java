package dev.berth.client.image;

import dev.berth.oci.Descriptor;
import java.util.Optional;

/**
 * Where an image comes from: a registry, an OCI layout, a docker-archive tarball. Descriptors are
 * cheap, known values; content is read only when a blob is opened.
 */
public interface ImageSource extends AutoCloseable {
  /** For messages: {@code 127.0.0.1:5000/hoge/app:1}, {@code oci:/tmp/x:1}… */
  String describe();

  /** The manifest (or index) the source's reference names. */
  Manifest root();

  /** A manifest that an index refers to. */
  Manifest manifest(Descriptor descriptor);

  /** A blob's content. */
  BlobSource blob(Descriptor descriptor);

  /** The registry and repository this comes from, when it is a registry (for cross-repository mounts). */
  default Optional<RemoteLocation> remoteLocation() {
    return Optional.empty();
  }

  /** The tag the source was named by, if any (a docker-archive writes it as RepoTags). */
  default Optional<String> nameForArchive() {
    return Optional.empty();
  }

  @Override
  default void close() {}

  /** A registry host and repository. */
  record RemoteLocation(String registry, String repository) {}
}
