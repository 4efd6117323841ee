package dev.berth.doctor.dockerfile;

import dev.berth.doctor.Finding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Picks the rules for a file by its name, and finds the files that describe CI images in a directory. */
public final class Lint {
  private Lint() {}

  public enum Kind { DOCKERFILE, GITLAB_CI, GITHUB_WORKFLOW, JENKINSFILE, OTHER_CI }

  public static Kind kind(Path file) {
    String name = file.getFileName().toString();
    String low = name.toLowerCase(Locale.ROOT);
    if (low.startsWith("dockerfile") || low.startsWith("containerfile") || low.endsWith(".dockerfile") || low.endsWith(".containerfile")) return Kind.DOCKERFILE;
    if (low.equals(".gitlab-ci.yml") || low.endsWith(".gitlab-ci.yml")) return Kind.GITLAB_CI;
    String p = file.toString().replace('\\', '/');
    if (p.contains(".github/workflows/") || p.contains(".github/actions/")) return Kind.GITHUB_WORKFLOW;
    if (low.startsWith("jenkinsfile")) return Kind.JENKINSFILE;
    if (low.endsWith(".yml") || low.endsWith(".yaml")) return Kind.OTHER_CI;
    return Kind.DOCKERFILE;
  }

  public static List<Finding> lint(Path file, String display) throws IOException {
    String text = Files.readString(file);
    return switch (kind(file)) {
      case DOCKERFILE -> DockerfileLinter.lint(display, text);
      case GITLAB_CI -> CiFileLinter.lint(display, text, true, false);
      case GITHUB_WORKFLOW -> CiFileLinter.lint(display, text, false, true);
      case JENKINSFILE, OTHER_CI -> CiFileLinter.lint(display, text, false, false);
    };
  }

  /** Dockerfiles, Containerfiles, .gitlab-ci.yml, GitHub workflows and Jenkinsfiles under {@code dir} (not descending into build output). */
  public static List<Path> discover(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir, 4)) {
      s.filter(Files::isRegularFile)
          .filter(p -> {
            String rel = dir.relativize(p).toString().replace('\\', '/');
            if (rel.matches("(^|.*/)(target|build|node_modules|\\.git|out)/.*") && !rel.startsWith(".github/")) return false;
            String low = p.getFileName().toString().toLowerCase(Locale.ROOT);
            return low.startsWith("dockerfile") || low.startsWith("containerfile") || low.endsWith(".dockerfile")
                || low.equals(".gitlab-ci.yml") || low.startsWith("jenkinsfile")
                || (rel.startsWith(".github/workflows/") && (low.endsWith(".yml") || low.endsWith(".yaml")));
          })
          .sorted()
          .forEach(out::add);
    }
    return out;
  }
}
