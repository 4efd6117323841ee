package dev.berth.oci;

import java.util.Map;

/** A content descriptor as it appears in manifests and indexes. */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    String artifactType,
    Map<String, String> annotations,
    Platform platform) {

  public Descriptor(String mediaType, Digest digest, long size) {
    this(mediaType, digest, size, null, Map.of(), null);
  }

  /** The platform of an index entry. */
  public record Platform(String os, String architecture, String variant) {
    @Override
    public String toString() {
      return os + "/" + architecture + (variant == null || variant.isEmpty() ? "" : "/" + variant);
    }
  }
}
