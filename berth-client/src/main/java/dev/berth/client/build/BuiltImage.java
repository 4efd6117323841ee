package dev.berth.client.build;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.BlobSource;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of {@code berth build}: an image source like any other, so that the client's copy
 * pushes it to a registry or writes it to a layout. New layers are temporary files; base layers
 * are read from the base image's source (and mounted from its repository when the registry is the
 * same). Close it to delete the temporary files.
 */
public final class BuiltImage implements ImageSource {
  private final Manifest manifest;
  private final byte[] config;
  private final Digest configDigest;
  private final Map<Digest, BlobSource> blobs;
  private final Optional<RemoteLocation> remote;
  private final List<AutoCloseable> resources;
  private final Path tmp;

  BuiltImage(Manifest manifest, byte[] config, Map<Digest, BlobSource> blobs, Optional<RemoteLocation> remote, List<AutoCloseable> resources, Path tmp) {
    this.manifest = manifest;
    this.config = config;
    this.configDigest = Digest.sha256(config);
    this.blobs = blobs;
    this.remote = remote;
    this.resources = resources;
    this.tmp = tmp;
  }

  public Digest digest() {
    return manifest.digest();
  }

  public byte[] config() {
    return config.clone();
  }

  @Override
  public String describe() {
    return "the built image " + manifest.digest();
  }

  @Override
  public Manifest root() {
    return manifest;
  }

  @Override
  public Manifest manifest(Descriptor descriptor) {
    throw ClientException.of(Category.NOT_FOUND, "read manifest " + descriptor.digest(), "a built image is a single manifest", null);
  }

  @Override
  public BlobSource blob(Descriptor d) {
    if (d.digest().equals(configDigest)) {
      return offset -> {
        ByteArrayInputStream in = new ByteArrayInputStream(config);
        in.skipNBytes(offset);
        return in;
      };
    }
    BlobSource s = blobs.get(d.digest());
    if (s == null) throw ClientException.of(Category.NOT_FOUND, "read blob " + d.digest(), "it is not part of the built image", null);
    return s;
  }

  @Override
  public Optional<RemoteLocation> remoteLocation() {
    return remote;
  }

  @Override
  public void close() {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    ImageBuilder.deleteTree(tmp);
  }
}
