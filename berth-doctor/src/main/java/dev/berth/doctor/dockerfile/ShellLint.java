package dev.berth.doctor.dockerfile;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Rules over shell commands, wherever they appear (a Dockerfile RUN, a CI job's script): package
 * installs without pinned versions (as hadolint DL3008/3013/3016/3018/3028/3033/3041 but without
 * DL3033's "a hyphen means pinned" blind spot), docker from a distribution's repositories, and
 * {@code sudo docker push} after a non-sudo login.
 */
public final class ShellLint {
  private ShellLint() {}

  /** Where a command came from, so that findings name the right file and line and know the base image. */
  public record Context(String file, int line, String baseImage) {}

  private static final Pattern SPLIT = Pattern.compile("&&|\\|\\||;|\\||\\n");
  private static final Set<String> DISTRO_DOCKER = Set.of("docker", "docker-client", "docker-common", "docker-io", "docker.io",
      "podman-docker", "moby-engine", "moby-cli", "docker-latest", "docker-engine", "docker-cli", "docker-compose-plugin-distro");
  /** Options that take a value as the next word. */
  private static final Set<String> VALUE_FLAGS = Set.of("-t", "--target-release", "-c", "--config", "--repo", "--enablerepo", "--disablerepo",
      "-X", "--repository", "--virtual", "-v", "--version", "--index-url", "-i", "--extra-index-url", "--prefix", "--root", "--installroot",
      "--releasever", "-o", "--option", "--setopt", "--registry");

  public static List<Finding> lint(String shell, Context ctx) {
    List<Finding> out = new ArrayList<>();
    boolean sudoPush = false;
    boolean plainLogin = false;
    for (String seg : SPLIT.split(shell)) {
      List<String> w = words(seg);
      if (w.isEmpty()) continue;
      boolean sudo = false;
      while (!w.isEmpty() && (w.get(0).equals("sudo") || w.get(0).equals("-E") || w.get(0).equals("env") || w.get(0).contains("=") && !w.get(0).startsWith("-"))) {
        if (w.get(0).equals("sudo")) sudo = true;
        w = w.subList(1, w.size());
      }
      if (w.isEmpty()) continue;
      String cmd = base(w.get(0));
      if (cmd.equals("docker") && w.size() > 1) {
        if (w.get(1).equals("push") && sudo) sudoPush = true;
        if (w.get(1).equals("login") && !sudo) plainLogin = true;
      }
      Manager m = manager(cmd, w);
      if (m == null) continue;
      List<String> pkgs = packages(w, m.argsFrom);
      List<String> unpinned = new ArrayList<>();
      for (String p : pkgs) {
        String name = m.name(p);
        if (DISTRO_DOCKER.contains(name.toLowerCase(Locale.ROOT)) && m.system) {
          out.add(distroDocker(m, p, name, ctx));
        }
        if (!m.pinned(p)) unpinned.add(p);
      }
      if (!unpinned.isEmpty()) {
        out.add(Finding.of("pin." + m.id, Severity.WARNING, m.label + " installs without a pinned version: " + String.join(" ", unpinned))
            .evidence(seg.strip())
            .why("each build gets whatever the repository serves that day, so CI and the developer machine drift apart silently (" + m.hadolint + ")")
            .fix(m.howToPin)
            .at(ctx.file, ctx.line).build());
      }
    }
    if (sudoPush && plainLogin) {
      out.add(Finding.of("ci.sudo-push", Severity.WARNING, "docker login runs as this user but docker push runs under sudo")
          .evidence(shell.strip())
          .why("sudo uses root's ~/.docker/config.json, which has no login: denied: requested access to the resource is denied (ci-failures.md entry 2e)")
          .fix("use the same user for both (add the user to the docker group), or sudo both, or pass DOCKER_CONFIG")
          .at(ctx.file, ctx.line).build());
    }
    return out;
  }

  private static Finding distroDocker(Manager m, String pkg, String name, Context ctx) {
    String base = ctx.baseImage == null ? "" : ctx.baseImage.toLowerCase(Locale.ROOT);
    boolean el7 = base.matches(".*(centos|rhel|ubi|oraclelinux|amazonlinux|scientific)[^:]*:(centos)?7.*") || base.matches(".*(rhel7|ubi7|centos7).*")
        || (base.isEmpty() && (m.id.equals("yum")));
    String title;
    String why;
    Severity sev;
    if ((m.id.equals("yum") || m.id.equals("dnf")) && (name.equals("docker") || name.startsWith("docker-c") || name.equals("docker-latest"))) {
      sev = Severity.ERROR;
      title = m.label + " installs \"" + pkg + "\" from the distribution's repositories" + (el7 ? ": on CentOS/RHEL 7 that is Red Hat's docker 1.13.1" : "");
      why = (el7 ? "CentOS/RHEL 7 ship docker-1.13.1-*.el7 (projectatomic fork, client API 1.26), not docker-ce. "
          : "Red Hat family repositories ship a fork (docker 1.13.1 on 7, podman-docker or moby-engine later), not docker-ce. ")
          + "Its CLI sends X-Registry-Auth as a map that an upstream daemon (docker:dind, the host's docker-ce) silently ignores, so"
          + " docker login says Login Succeeded and docker push then fails with denied: access forbidden (GitLab) or unauthorized: authentication required"
          + " — the original berth failure (ci-failures.md §1, entries 1, 3, 5). Build tools that shell out to docker (sbt-native-packager) inherit it.";
    } else if (name.equals("podman-docker")) {
      sev = Severity.WARNING;
      title = m.label + " installs podman-docker: \"docker\" will be podman";
      why = "podman emulates the docker CLI but resolves unqualified names through registries.conf search lists and stores logins elsewhere (ci-failures.md entry 26)";
    } else {
      sev = Severity.WARNING;
      title = m.label + " installs \"" + pkg + "\", the distribution's docker package";
      why = "the distribution's docker (" + name + ") follows the distribution's release, not the daemon your CI talks to; CLI and daemon drift apart (ci-failures.md §4.1)";
    }
    return Finding.of("dockerfile.distro-docker", sev, title)
        .evidence((ctx.baseImage != null ? "FROM " + ctx.baseImage + "\n" : "") + m.cmd + " … " + pkg)
        .why(why)
        .fix("install docker-ce-cli at the daemon's version from download.docker.com (e.g. yum install -y docker-ce-cli-24.0.7), or start from the docker:<daemon version>-cli image;"
            + " check afterwards with: berth doctor env")
        .at(ctx.file, ctx.line).build();
  }

  private record Manager(String id, String label, String cmd, int argsFrom, boolean system, String hadolint, String howToPin) {
    String name(String p) {
      return switch (id) {
        case "apt", "apk" -> p.split("[=~<>]")[0];
        case "pip" -> p.split("[=~<>!@\\[;]")[0];
        case "npm" -> p.startsWith("@") ? "@" + p.substring(1).split("@")[0] : p.split("@")[0];
        case "gem" -> p.split(":")[0];
        case "go" -> p.split("@")[0];
        default -> p.replaceAll("-\\d.*$", "").replaceAll("\\.rpm$", "");
      };
    }

    boolean pinned(String p) {
      return switch (id) {
        case "apt", "apk" -> p.contains("=");
        case "pip" -> p.contains("==") || p.contains("~=") || p.contains("@") || p.endsWith(".whl") || p.endsWith(".tar.gz");
        case "npm" -> p.startsWith("@") ? p.substring(1).contains("@") : p.contains("@") || p.startsWith(".") || p.contains("/");
        case "gem" -> p.contains(":");
        case "go" -> p.contains("@") && !p.endsWith("@latest");
        default -> p.matches(".*-\\d.*") || p.endsWith(".rpm") || p.contains("/") || p.startsWith("@");
      };
    }
  }

  private static Manager manager(String cmd, List<String> w) {
    String sub = w.size() > 1 ? w.get(1) : "";
    return switch (cmd) {
      case "yum", "microdnf" -> sub.equals("install") ? new Manager("yum", cmd + " install", cmd + " install", 2, true, "hadolint DL3033", "name the version: " + cmd + " install -y name-1.2.3") : null;
      case "dnf" -> sub.equals("install") ? new Manager("dnf", "dnf install", "dnf install", 2, true, "hadolint DL3041", "name the version: dnf install -y name-1.2.3") : null;
      case "zypper" -> sub.equals("install") || sub.equals("in") ? new Manager("zypper", "zypper install", "zypper install", 2, true, "hadolint DL3037", "name the version: zypper install name=1.2.3") : null;
      case "apt-get", "apt" -> sub.equals("install") ? new Manager("apt", cmd + " install", cmd + " install", 2, true, "hadolint DL3008", "name the version: " + cmd + " install -y name=1.2.3-1") : null;
      case "apk" -> sub.equals("add") ? new Manager("apk", "apk add", "apk add", 2, true, "hadolint DL3018", "name the version: apk add name=1.2.3-r0") : null;
      case "pip", "pip3" -> sub.equals("install") ? new Manager("pip", cmd + " install", cmd + " install", 2, false, "hadolint DL3013", "name the version: pip install name==1.2.3, or use a requirements file with pins") : null;
      case "python", "python3" -> w.size() > 3 && sub.equals("-m") && w.get(2).startsWith("pip") && w.get(3).equals("install")
          ? new Manager("pip", "pip install", "pip install", 4, false, "hadolint DL3013", "name the version: pip install name==1.2.3") : null;
      case "npm" -> sub.equals("install") || sub.equals("i") || sub.equals("add") ? new Manager("npm", "npm install", "npm install", 2, false, "hadolint DL3016", "name the version: npm install name@1.2.3") : null;
      case "gem" -> sub.equals("install") ? new Manager("gem", "gem install", "gem install", 2, false, "hadolint DL3028", "name the version: gem install name:1.2.3") : null;
      case "go" -> sub.equals("install") ? new Manager("go", "go install", "go install", 2, false, "hadolint DL3062", "name the version: go install module/cmd@v1.2.3") : null;
      default -> null;
    };
  }

  private static List<String> packages(List<String> w, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < w.size(); i++) {
      String t = w.get(i);
      if (t.startsWith("-")) {
        if (VALUE_FLAGS.contains(t)) i++;
        if (t.equals("-r") || t.equals("--requirement")) i++;
        continue;
      }
      if (t.startsWith("$") || t.startsWith("\"$") || t.equals(".") || t.startsWith("/") || t.startsWith("./") || t.equals("\\") || t.isBlank()) continue;
      if (t.startsWith(">") || t.startsWith("2>") || t.startsWith("<")) break;
      out.add(t.replaceAll("^['\"]|['\"]$", ""));
    }
    return out;
  }

  static List<String> words(String seg) {
    List<String> out = new ArrayList<>();
    for (String t : seg.replace("\\\n", " ").strip().split("\\s+")) {
      if (!t.isEmpty() && !t.equals("\\")) out.add(t);
    }
    return out;
  }

  private static String base(String cmd) {
    int slash = cmd.lastIndexOf('/');
    return slash >= 0 ? cmd.substring(slash + 1) : cmd;
  }
}
