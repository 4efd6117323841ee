package dev.berth.server.meta;

import dev.berth.oci.Digest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A manifest as the index knows it.
 *
 * @param digest digest of the exact bytes
 * @param mediaType the manifest's media type
 * @param size length of the bytes
 * @param artifactType the effective artifact type (artifactType, else config media type), may be null
 * @param subject digest of the {@code subject}, may be null
 * @param blobs the blobs it references (config and layers)
 * @param children the manifests it references (index entries)
 * @param annotations top-level annotations (for the referrers API)
 * @param created when it was first pushed (set by the store when null)
 */
public record ManifestRecord(
    Digest digest,
    String mediaType,
    long size,
    String artifactType,
    Digest subject,
    List<Digest> blobs,
    List<Digest> children,
    Map<String, String> annotations,
    Instant created) {}
