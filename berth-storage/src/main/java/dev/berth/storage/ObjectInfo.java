package dev.berth.storage;

import java.time.Instant;

/** What {@link StorageDriver#stat} knows of an object. */
public record ObjectInfo(String path, long size, Instant modified, boolean directory) {}
