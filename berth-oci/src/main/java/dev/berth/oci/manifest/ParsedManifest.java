package dev.berth.oci.manifest;

import dev.berth.oci.Descriptor;
import dev.berth.oci.MediaType;
import java.util.List;
import java.util.Map;

/**
 * What the registry needs to know of a manifest to validate and index it. The bytes themselves
 * are stored as received; this is never serialised back.
 *
 * @param mediaType the manifest's media type (from its {@code mediaType} field or the request's
 *     Content-Type)
 * @param config the config descriptor of an image manifest, null for an index
 * @param layers the layers (blobs) of an image manifest, empty for an index
 * @param manifests the children of an index, empty for an image manifest
 * @param subject the {@code subject} descriptor, or null
 * @param artifactType the {@code artifactType} field, or null
 * @param annotations the top-level annotations
 */
public record ParsedManifest(
    String mediaType,
    Descriptor config,
    List<Descriptor> layers,
    List<Descriptor> manifests,
    Descriptor subject,
    String artifactType,
    Map<String, String> annotations) {

  public boolean isIndex() {
    return MediaType.isIndex(mediaType);
  }

  /**
   * The artifact type the referrers API reports: {@code artifactType}, else for an image
   * manifest the config's media type.
   */
  public String effectiveArtifactType() {
    if (artifactType != null && !artifactType.isEmpty()) return artifactType;
    if (config != null) return config.mediaType();
    return null;
  }

  /** Every blob the manifest references (config and layers). */
  public List<Descriptor> blobs() {
    if (config == null) return layers;
    var all = new java.util.ArrayList<Descriptor>(layers.size() + 1);
    all.add(config);
    all.addAll(layers);
    return all;
  }
}
