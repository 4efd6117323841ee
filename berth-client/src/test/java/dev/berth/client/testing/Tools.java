package dev.berth.client.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the real tools interop tests need: skips with a message when one is missing, fails instead when CI=true. */
public final class Tools {
  private Tools() {}

  public static Path require(String path, String installHint) {
    Path p = Path.of(path);
    if (!Files.isExecutable(p)) {
      String msg = path + " is missing: " + installHint;
      if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg + " (CI=true, so this fails instead of skipping)");
      Assumptions.abort(msg);
    }
    return p;
  }

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
