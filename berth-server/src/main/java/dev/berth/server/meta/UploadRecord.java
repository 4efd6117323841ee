package dev.berth.server.meta;

import dev.berth.oci.RepositoryName;
import java.time.Instant;

/**
 * An upload session: server-chosen id, the repository it pushes into, the bytes acknowledged so
 * far, and when it started and last moved.
 */
public record UploadRecord(String id, RepositoryName repository, long size, Instant started, Instant updated) {}
