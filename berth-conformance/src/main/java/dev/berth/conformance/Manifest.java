package dev.berth.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.oci.Digest;

/** A manifest exactly as the suite pushes it: media type, bytes and their sha256 digest. */
public record Manifest(String mediaType, byte[] bytes, String digest) {
  public static Manifest of(String mediaType, byte[] bytes) {
    return new Manifest(mediaType, bytes, Digest.sha256(bytes).toString());
  }

  public long size() {
    return bytes.length;
  }

  public ObjectNode descriptor() {
    return Docs.descriptor(mediaType, digest, size());
  }
}
