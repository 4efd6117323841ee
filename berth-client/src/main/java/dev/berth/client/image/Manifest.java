package dev.berth.client.image;

import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import dev.berth.oci.manifest.ManifestParser;
import dev.berth.oci.manifest.ParsedManifest;

/**
 * A manifest or index exactly as stored: its bytes (whose digest is its identity, so they are
 * never re-serialised), its media type and digest.
 */
public record Manifest(byte[] bytes, String mediaType, Digest digest) {
  public static Manifest of(byte[] bytes, String mediaType) {
    return new Manifest(bytes, mediaType, Digest.sha256(bytes));
  }

  /** Parses and validates; the media type comes from the content when it says so. */
  public ParsedManifest parsed() {
    return ManifestParser.parse(bytes, mediaType);
  }

  public boolean isIndex() {
    return MediaType.isIndex(mediaType);
  }

  public Descriptor descriptor() {
    return new Descriptor(mediaType, digest, bytes.length);
  }
}
