package dev.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Tools the tests need from the machine. When one is missing the test is skipped with a message
 * that says what to install; with {@code CI=true} it fails instead, so CI never goes green by
 * skipping.
 */
final class Requirements {
  private Requirements() {}

  static boolean onCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Requires an executable file, installed by the Debian package {@code debianPackage}. */
  static Path executable(String path, String debianPackage, String whatFor) {
    Path p = Path.of(path);
    if (!Files.isExecutable(p)) {
      unmet(path + " is missing (needed for " + whatFor + "); install it with: apt-get install " + debianPackage);
    }
    return p;
  }

  /** Skips (or, on CI, fails) with {@code message}. */
  static void unmet(String message) {
    if (onCi()) {
      throw new AssertionError("CI=true and a requirement is not met: " + message);
    }
    Assumptions.abort(message);
  }
}
