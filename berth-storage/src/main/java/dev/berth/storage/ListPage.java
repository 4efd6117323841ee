package dev.berth.storage;

import java.util.List;

/**
 * One page of {@link StorageDriver#list}: child paths (full paths, '/'-separated) and the
 * continuation to pass for the next page, null when this was the last.
 */
public record ListPage(List<String> entries, String continuation) {}
