package dev.berth.client;

import dev.berth.client.image.Platform;
import dev.berth.client.image.Progress;
import java.util.List;

/**
 * How to copy.
 *
 * @param platforms copy only these platforms of an index: one gives that platform's image
 *     manifest (as {@code docker pull} does), several give an index of just those; empty copies
 *     the whole index
 * @param jobs blobs transferred in parallel
 * @param progress receives what happens
 */
public record CopyOptions(List<Platform> platforms, int jobs, Progress progress) {
  public CopyOptions {
    platforms = List.copyOf(platforms);
    if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
    if (progress == null) progress = Progress.NONE;
  }

  public static CopyOptions defaults() {
    return new CopyOptions(List.of(), 3, Progress.NONE);
  }

  public CopyOptions withPlatforms(List<Platform> p) {
    return new CopyOptions(p, jobs, progress);
  }

  public CopyOptions withProgress(Progress p) {
    return new CopyOptions(platforms, jobs, p);
  }

  public CopyOptions withJobs(int j) {
    return new CopyOptions(platforms, j, progress);
  }
}
