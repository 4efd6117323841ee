package dev.berth.doctor.dockerfile;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import dev.berth.doctor.env.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lints CI definitions line by line (so every finding has a line): {@code .gitlab-ci.yml} docker
 * CLI image vs {@code dind} service versions, unpinned/frozen docker images, the dind TLS port,
 * CI_JOB_TOKEN pushes to another project; GitHub workflows pushing to ghcr.io without
 * {@code packages: write}; and the shell rules over every script line (any CI file, Jenkinsfile too).
 */
public final class CiFileLinter {
  private CiFileLinter() {}

  /** A docker image reference seen in the file. */
  record ImageUse(int line, String image, String repo, String tag, boolean dind) {}

  private static final Pattern IMAGE = Pattern.compile("^\\s*(?:-\\s*)?(?:image|name)\\s*:\\s*['\"]?([^'\"\\s#]+)['\"]?\\s*(?:#.*)?$");
  private static final Pattern LIST_ITEM_IMAGE = Pattern.compile("^\\s*-\\s*['\"]?((?:[\\w.-]+(?::\\d+)?/)*docker(?::[\\w.-]+)?)['\"]?\\s*(?:#.*)?$");
  private static final Pattern JENKINS_IMAGE = Pattern.compile("(?:docker\\.image|image)\\s*\\(?\\s*['\"]([^'\"]+)['\"]");

  public static List<Finding> lint(String file, String text, boolean gitlab, boolean github) {
    List<Finding> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    List<ImageUse> dockerImages = new ArrayList<>();
    int dockerHost2375 = 0;
    boolean tlsEmpty = false;
    int jobTokenLogin = 0;
    List<int[]> pushLines = new ArrayList<>();
    List<String> pushTargets = new ArrayList<>();
    int ghcr = 0;
    boolean pushes = false;
    boolean packagesWrite = false;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int n = i + 1;
      String t = line.strip();
      if (t.startsWith("#")) continue;
      String img = null;
      Matcher m = IMAGE.matcher(line);
      if (m.matches()) img = m.group(1);
      else {
        Matcher li = LIST_ITEM_IMAGE.matcher(line);
        if (li.matches()) img = li.group(1);
        else {
          Matcher j = JENKINS_IMAGE.matcher(line);
          if (j.find()) img = j.group(1);
        }
      }
      if (img != null) {
        String last = img.substring(img.lastIndexOf('/') + 1);
        String tag = last.contains(":") ? last.substring(last.indexOf(':') + 1) : null;
        String repo = tag == null ? img : img.substring(0, img.length() - tag.length() - 1);
        String shortName = repo.replaceFirst("^(docker\\.io/)?(library/)?", "");
        if (shortName.equals("docker") || shortName.endsWith("/docker")) {
          dockerImages.add(new ImageUse(n, img, repo, tag, tag != null && tag.contains("dind")));
        }
      }
      if (t.matches(".*DOCKER_HOST\\s*[:=]\\s*['\"]?tcp://docker:2375.*")) dockerHost2375 = n;
      if (t.matches(".*DOCKER_TLS_CERTDIR\\s*[:=]\\s*(''|\"\")\\s*")) tlsEmpty = true;
      if (t.contains("docker login") && t.contains("CI_JOB_TOKEN")) jobTokenLogin = n;
      Matcher push = Pattern.compile("docker\\s+push\\s+(\\S+)").matcher(t);
      if (push.find()) {
        pushLines.add(new int[] {n});
        pushTargets.add(push.group(1));
        pushes = true;
      }
      if (t.contains("ghcr.io") && ghcr == 0) ghcr = n;
      if (t.matches("push\\s*:\\s*(true|\\$\\{\\{.*)") || t.contains("--push")) pushes = true;
      if (t.matches("packages\\s*:\\s*write.*") || t.matches("permissions\\s*:\\s*write-all.*")) packagesWrite = true;
      // script lines: YAML list items, Jenkins sh steps, plain lines
      String shell = t.replaceFirst("^-\\s+", "").replaceFirst("^(sh|bat)\\s*\\(?\\s*['\"]{1,3}", "").replaceFirst("^run\\s*:\\s*\\|?", "");
      if (!shell.isBlank()) out.addAll(ShellLint.lint(shell, new ShellLint.Context(file, n, null)));
    }
    dockerPairs(file, dockerImages, out);
    if (gitlab && dockerHost2375 > 0 && !tlsEmpty) {
      out.add(Finding.of("ci.dind-tls-port", Severity.WARNING, "DOCKER_HOST is tcp://docker:2375 but DOCKER_TLS_CERTDIR is not set to \"\"")
          .evidence(lines[dockerHost2375 - 1].strip())
          .why("docker:dind ≥ 19.03 generates TLS certificates and listens on 2376; the job gets: Cannot connect to the Docker daemon at tcp://docker:2375 (ci-failures.md entry 24)")
          .fix("set variables: DOCKER_TLS_CERTDIR: \"\" (plain 2375), or use DOCKER_HOST: tcp://docker:2376 with DOCKER_TLS_CERTDIR: \"/certs\"")
          .at(file, dockerHost2375).build());
    }
    if (gitlab && jobTokenLogin > 0) {
      for (int k = 0; k < pushTargets.size(); k++) {
        String target = pushTargets.get(k);
        if (!target.contains("CI_REGISTRY_IMAGE") && !target.startsWith("$") && !target.startsWith("\"$")) {
          out.add(Finding.of("ci.job-token-foreign-push", Severity.WARNING, "docker push " + target + " with a CI_JOB_TOKEN login")
              .evidence(lines[jobTokenLogin - 1].strip() + "\n" + lines[pushLines.get(k)[0] - 1].strip())
              .why("a job token may push only to its own project's registry ($CI_REGISTRY_IMAGE); elsewhere GitLab answers denied: access forbidden (ci-failures.md entry 8)")
              .fix("push to $CI_REGISTRY_IMAGE/…, or log in with a deploy token / PAT that has write_registry on the target project")
              .at(file, pushLines.get(k)[0]).build());
        }
      }
    }
    if (github && ghcr > 0 && pushes && !packagesWrite) {
      out.add(Finding.of("ci.ghcr-permissions", Severity.WARNING, "the workflow pushes to ghcr.io but grants no packages: write")
          .evidence(lines[ghcr - 1].strip())
          .why("GITHUB_TOKEN is read-only for packages by default: denied: installation not allowed to Write organization package (ci-failures.md entry 7)")
          .fix("add permissions: { contents: read, packages: write } to the job, and give the repository write access in the package settings")
          .at(file, ghcr).build());
    }
    return out;
  }

  private static void dockerPairs(String file, List<ImageUse> uses, List<Finding> out) {
    List<ImageUse> clis = new ArrayList<>();
    List<ImageUse> dinds = new ArrayList<>();
    for (ImageUse u : uses) {
      if (u.tag == null || u.tag.equals("latest") || u.tag.equals("dind") || u.tag.equals("stable") || u.tag.startsWith("stable-") || u.tag.equals("git")) {
        boolean stable = u.tag != null && (u.tag.startsWith("stable") || u.tag.equals("git"));
        out.add(Finding.of("ci.docker-unpinned", Severity.WARNING,
                u.image + (stable ? " is frozen at docker 19.03 (the stable tags stopped in 2020)" : " is not pinned to a docker version"))
            .evidence(u.image)
            .why(stable ? "a 19.03 CLI is refused by daemons that need API ≥ 1.44 (ci-failures.md entry 25)"
                : "the CLI image and the dind service move independently; a job that passed yesterday runs a different docker today")
            .fix("pin both to the same release: image: docker:24.0.7-cli and services: docker:24.0.7-dind")
            .at(file, u.line).build());
        continue;
      }
      if (u.dind) dinds.add(u);
      else clis.add(u);
    }
    for (ImageUse c : clis) {
      Version cv = Version.parse(c.tag);
      if (cv == null) continue;
      for (ImageUse d : dinds) {
        Version dv = Version.parse(d.tag);
        if (dv == null) continue;
        int gap = dv.dockerGeneration() - cv.dockerGeneration();
        boolean sameMinor = gap == 0 && cv.part(1) == dv.part(1);
        if (gap == 0 && sameMinor && cv.compareTo(dv) == 0) continue;
        if (gap == 0 && sameMinor && (cv.parts().size() < 3 || dv.parts().size() < 3)) continue;
        Severity sev = gap >= 2 ? Severity.ERROR : gap == 0 && sameMinor ? Severity.NOTE : Severity.WARNING;
        out.add(Finding.of("ci.docker-cli-dind-mismatch", sev, "docker CLI image " + c.image + " and dind service " + d.image + " are different versions")
            .evidence("line " + c.line + ": " + c.image + "\nline " + d.line + ": " + d.image)
            .why("the CLI in the job talks to the dind daemon: a CLI far behind its daemon may not forward credentials the way it expects (ci-failures.md §1)"
                + " and a daemon may refuse an old API (entry 25)")
            .fix("use the same version for both: docker:" + dv.numeric() + "-cli with docker:" + dv.numeric() + "-dind")
            .at(file, c.line).build());
      }
    }
  }
}
