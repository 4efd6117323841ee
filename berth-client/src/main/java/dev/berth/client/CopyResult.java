package dev.berth.client;

import dev.berth.oci.Digest;

/**
 * What a copy did.
 *
 * @param digest the digest of the root manifest written (what the destination now names)
 * @param mediaType its media type
 * @param blobsCopied blobs whose bytes were moved
 * @param blobsExisting blobs the destination already had
 * @param blobsMounted blobs mounted from another repository of the same registry
 * @param bytesCopied bytes of the blobs that were moved
 * @param bytesUploaded body bytes sent to a registry, resends after a resume included
 */
public record CopyResult(Digest digest, String mediaType, int blobsCopied, int blobsExisting, int blobsMounted,
    long bytesCopied, long bytesUploaded) {}
