package dev.berth.it;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registries every test runs against. Choose with {@code -Dberth.it.targets=distribution,berth}
 * (the default is both).
 */
public enum Target {
  /** CNCF distribution 2.8, the reference: a test must pass here before it means anything for berth. */
  DISTRIBUTION,
  /** {@code java -jar berth-cli/target/berth.jar serve}. */
  BERTH;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code -Dberth.it.targets} selects this target. */
  public boolean selected() {
    return selectedIds().contains(id());
  }

  static Set<String> selectedIds() {
    String prop = System.getProperty("berth.it.targets", "distribution,berth");
    return Arrays.stream(prop.split(",")).map(String::trim).map(s -> s.toLowerCase(Locale.ROOT))
        .filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }

  /** Starts this registry with its data under {@code dir}, logging to {@code logFile}. */
  public RegistryProcess start(Path dir, Path logFile) {
    return switch (this) {
      case DISTRIBUTION -> DistributionProcess.start(dir, logFile);
      case BERTH -> BerthProcess.start(dir.resolve("data"), logFile);
    };
  }
}
