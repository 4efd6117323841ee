package dev.berth.doctor.env;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the current machine with a lock (drift, graded) and checks a snapshot on its own for
 * the skews the catalogue knows (docker CLI far behind its daemon, Red Hat's docker fork talking
 * to an upstream daemon, CLI API below the daemon's minimum, a second docker binary).
 */
public final class EnvCheck {
  private EnvCheck() {}

  /** Keys whose drift is about CI bookkeeping rather than the build: reported as notes at most. */
  private static final Set<String> INFORMATIONAL = Set.of("ci.provider", "ci.variables", "docker.path", "docker.host", "docker.config",
      "docker.context", "os.distro", "os.distro.version", "os.distro.like", "os.name", "os.arch", "docker.other_binaries",
      "docker.config.cred_helpers", "docker.server.os", "docker.server.cgroup_driver", "java.vendor", "gradle.wrapper");

  public static List<Finding> drift(EnvLock lock, EnvSnapshot now, String lockFile) {
    List<Finding> out = new ArrayList<>();
    for (Map.Entry<String, String> e : lock.entries().entrySet()) {
      String key = e.getKey();
      String want = e.getValue();
      String have = now.get(key);
      String where = lockFile;
      int line = lock.line(key);
      if (have == null) {
        if (key.startsWith("ci.")) continue;
        Severity sev = INFORMATIONAL.contains(key) ? Severity.NOTE : isVersionKey(key) ? Severity.WARNING : Severity.NOTE;
        if (key.equals("docker.client.version") || key.equals("java.version")) sev = Severity.ERROR;
        out.add(Finding.of("env.missing." + key, sev, key + " is locked but absent on this machine")
            .evidence("lock: " + key + " = " + want + "\nhere: not found")
            .why("the build ran with " + tool(key) + " where the lock was recorded; without it, steps that use it fail or take another path")
            .fix("install " + tool(key) + " " + want + ", or remove the line from the lock if it is not needed here")
            .at(where, line).build());
        continue;
      }
      if (want.equals("*")) continue;
      if (isVersionKey(key) && VersionRange.isRange(want)) {
        VersionRange r;
        try {
          r = VersionRange.parse(want);
        } catch (IllegalArgumentException ex) {
          out.add(Finding.of("env.lock.invalid", Severity.ERROR, "the lock's range for " + key + " does not parse")
              .evidence(ex.getMessage()).fix("write it like [20.10,21) or >=20.10").at(where, line).build());
          continue;
        }
        Version hv = Version.parse(have);
        if (hv == null || !r.contains(hv)) {
          out.add(Finding.of("env.drift." + key, Severity.ERROR, key + " " + have + " is outside the locked range " + want)
              .evidence("lock: " + key + " = " + want + "\nhere: " + key + " = " + have)
              .why(why(key, want, have))
              .fix(fix(key, want))
              .at(where, line).build());
        }
        continue;
      }
      if (want.equals(have)) continue;
      Severity sev;
      if (isVersionKey(key)) {
        sev = versionDrift(key, Version.parse(want), Version.parse(have));
      } else if (INFORMATIONAL.contains(key) || key.startsWith("ci.")) {
        sev = Severity.NOTE;
      } else if (key.equals("docker.client.origin") || key.equals("docker.server.origin")) {
        sev = DockerOrigin.REDHAT_FORK.equals(have) ? Severity.ERROR : Severity.WARNING;
      } else {
        sev = Severity.WARNING;
      }
      if (sev == null) continue;
      out.add(Finding.of("env.drift." + key, sev, key + " differs from the lock: " + have + " here, " + want + " locked")
          .evidence("lock: " + key + " = " + want + "\nhere: " + key + " = " + have)
          .why(why(key, want, have))
          .fix(fix(key, want))
          .at(where, line).build());
    }
    return out;
  }

  static boolean isVersionKey(String key) {
    return key.endsWith(".version") || key.endsWith(".api") || key.endsWith(".min_api") || key.startsWith("sbt.plugin.")
        || key.startsWith("maven.plugin.") || key.startsWith("gradle.plugin.") || key.equals("gradle.wrapper")
        || key.equals("docker.server.containerd");
  }

  /** Grade a version difference: ≥2 majors → error, 1 major or a minor → warning, patch or build → note. */
  static Severity versionDrift(String key, Version want, Version have) {
    if (want == null || have == null) return Severity.WARNING;
    boolean docker = key.startsWith("docker.client") || key.startsWith("docker.server");
    int wm = docker ? want.dockerGeneration() : want.major();
    int hm = docker ? have.dockerGeneration() : have.major();
    int majors = Math.abs(wm - hm);
    if (key.endsWith(".api") || key.endsWith(".min_api")) {
      // API versions are 1.x: a minor step is a generation
      int d = Math.abs(want.part(1) - have.part(1));
      if (want.major() != have.major() || d >= 4) return Severity.ERROR;
      return d > 0 ? Severity.WARNING : Severity.NOTE;
    }
    if (majors >= 2) return Severity.ERROR;
    if (majors == 1) return Severity.WARNING;
    if (want.part(1) != have.part(1)) return Severity.WARNING;
    if (want.compareTo(have) != 0) return Severity.NOTE;
    return Severity.NOTE; // same numbers, different build suffix
  }

  private static String tool(String key) {
    String[] p = key.split("\\.");
    if (key.startsWith("docker.server")) return "the docker daemon";
    if (key.startsWith("docker.client")) return "the docker CLI";
    if (key.contains(".plugin.")) return p[p.length - 1];
    return p[0];
  }

  private static String why(String key, String want, String have) {
    if (key.equals("docker.client.version")) {
      return "the docker CLI decides what reaches the daemon and the registry: how credentials are forwarded (a 1.13 CLI's login is lost by a newer daemon, ci-failures.md §1),"
          + " which API version is spoken (a daemon refuses CLIs below its minimum API, entry 25), and tools like sbt-native-packager pick Dockerfile features from it";
    }
    if (key.equals("docker.server.version")) return "the daemon does the push: its registry settings, trust store and API floor are what count (entries 14, 15, 25)";
    if (key.startsWith("docker.client.origin")) return "a distribution's docker package is not docker-ce: Red Hat's 1.12/1.13 fork drops credentials with upstream daemons (ci-failures.md §1)";
    if (key.startsWith("java.")) return "the JDK compiles and runs the build; a different major changes bytecode level and plugin behaviour";
    if (key.startsWith("docker.server.insecure") || key.startsWith("docker.server.mirrors")) return "registry settings of the daemon decide whether plain-HTTP registries and mirrors are used (entry 15)";
    if (key.startsWith("sbt.plugin.sbt-native-packager")) return "sbt-native-packager writes a different Dockerfile depending on its version and on the docker version it detects";
    if (key.contains(".plugin.")) return "the plugin that builds the image changed; its output (layers, media types, defaults) may differ";
    return "the machine differs from the one the lock was recorded on (" + want + " → " + have + ")";
  }

  private static String fix(String key, String want) {
    if (key.equals("docker.client.version")) return "install docker-ce-cli matching the lock (" + want + ") from download.docker.com, or use the docker:" + plain(want) + "-cli image; not the distribution's docker package";
    if (key.startsWith("docker.client.origin")) return "replace the distribution's docker package with docker-ce-cli (or the docker:<version>-cli image)";
    if (key.startsWith("docker.server")) return "run the daemon (or the dind service) at the locked version, e.g. docker:" + plain(want) + "-dind";
    return "bring " + key + " to " + want + " (or record the new value: berth doctor env --save FILE, and commit it)";
  }

  private static String plain(String v) {
    Version p = Version.parse(v);
    return p == null ? v : p.numeric();
  }

  /** Findings about one machine on its own, without a lock. */
  public static List<Finding> rules(EnvSnapshot s) {
    List<Finding> out = new ArrayList<>();
    Version cv = s.version("docker.client.version");
    Version sv = s.version("docker.server.version");
    String corigin = s.get("docker.client.origin");
    String sorigin = s.get("docker.server.origin");
    if (cv != null && sv != null) {
      int gap = sv.dockerGeneration() - cv.dockerGeneration();
      String ev = "docker.client.version = " + s.get("docker.client.version") + " (origin " + corigin + ", package " + s.get("docker.client.package") + ")\n"
          + "docker.server.version = " + s.get("docker.server.version") + " (origin " + sorigin + ")";
      if (DockerOrigin.REDHAT_FORK.equals(corigin) && !DockerOrigin.REDHAT_FORK.equals(sorigin)) {
        out.add(Finding.of("env.docker.redhat-cli-upstream-daemon", Severity.ERROR,
                "Red Hat's docker " + s.get("docker.client.version") + " CLI talks to an upstream docker " + s.get("docker.server.version") + " daemon")
            .evidence(ev)
            .why("the Red Hat CLI sends X-Registry-Auth as a map; the upstream daemon reads one AuthConfig, silently gets an empty one and pushes anonymously:"
                + " docker login says Login Succeeded, then push fails with denied: access forbidden / unauthorized: authentication required (ci-failures.md §1, entry 1)")
            .fix("install docker-ce-cli " + sv.numeric() + " (or use the docker:" + sv.numeric() + "-cli image) instead of the distribution's docker package")
            .build());
      } else if (gap >= 2) {
        out.add(Finding.of("env.docker.client-behind-daemon", Severity.ERROR,
                "docker CLI " + s.get("docker.client.version") + " is " + gap + " major versions behind its daemon " + s.get("docker.server.version"))
            .evidence(ev)
            .why("old CLIs forward credentials and options the way their own generation's daemon expected; a newer daemon may ignore them (ci-failures.md §1) or refuse the old API (entry 25)")
            .fix("install docker-ce-cli " + sv.numeric() + " to match the daemon")
            .build());
      } else if (gap <= -2) {
        out.add(Finding.of("env.docker.daemon-behind-client", Severity.WARNING,
                "docker daemon " + s.get("docker.server.version") + " is " + (-gap) + " major versions behind the CLI " + s.get("docker.client.version"))
            .evidence(ev)
            .why("the CLI negotiates down to the daemon's API, so features the CI script expects (buildx, attestations) may be missing")
            .fix("upgrade the daemon (or the dind service image) to " + cv.numeric())
            .build());
      }
    }
    Version capi = s.version("docker.client.api");
    Version smin = s.version("docker.server.min_api");
    if (capi != null && smin != null && capi.compareTo(smin) < 0) {
      out.add(Finding.of("env.docker.api-too-old", Severity.ERROR, "the docker CLI speaks API " + capi + ", below the daemon's minimum " + smin)
          .evidence("docker.client.api = " + capi + "\ndocker.server.min_api = " + smin)
          .why("the daemon answers: client version " + capi + " is too old. Minimum supported API version is " + smin + " (entry 25)")
          .fix("upgrade the CLI or SDK; a client that negotiates (GET /version first) avoids this")
          .build());
    }
    String others = s.get("docker.other_binaries");
    if (others != null && s.get("docker.path") != null) {
      Set<String> versions = new LinkedHashSet<>();
      for (String o : others.split(",")) versions.add(o.substring(o.indexOf('=') + 1));
      String pathVer = s.get("docker.client.version");
      boolean differ = versions.stream().anyMatch(v -> !v.equals(pathVer));
      out.add(Finding.of("env.docker.several-binaries", differ ? Severity.WARNING : Severity.NOTE,
              "several docker binaries are installed; the one on PATH is " + s.get("docker.path") + " (" + pathVer + ")")
          .evidence("on PATH: " + s.get("docker.path") + " = " + pathVer + "\nalso: " + String.join("\n      ", Arrays.asList(others.split(","))))
          .why("a script, sudo (secure_path), a CI shell or a tool that calls docker by absolute path may run a different docker than the one you checked;"
              + " sbt-native-packager and plugins call whatever docker is on their PATH")
          .fix("remove the binaries you do not use, or call the intended one explicitly")
          .build());
    }
    String host = s.get("docker.host");
    if (host != null && host.matches("tcp://docker:2375/?") && !"\"\"".equals(s.get("docker.tls_certdir"))) {
      out.add(Finding.of("env.docker.dind-tls", Severity.WARNING, "DOCKER_HOST is tcp://docker:2375 but TLS is not disabled")
          .evidence("DOCKER_HOST=" + host + "\nDOCKER_TLS_CERTDIR=" + (s.get("docker.tls_certdir") == null ? "(unset)" : s.get("docker.tls_certdir")))
          .why("docker:dind ≥ 19.03 serves TLS on 2376 unless DOCKER_TLS_CERTDIR is empty: Cannot connect to the Docker daemon at tcp://docker:2375 (entry 24)")
          .fix("either DOCKER_HOST=tcp://docker:2376 with DOCKER_TLS_CERTDIR=/certs, or set DOCKER_TLS_CERTDIR: \"\" for both job and service")
          .build());
    }
    String store = s.get("docker.config.creds_store");
    if (store != null && (store.equals("secretservice") || store.equals("pass")) && s.get("ci.provider") != null) {
      out.add(Finding.of("env.docker.creds-store-headless", Severity.WARNING, "docker stores credentials with \"" + store + "\" in a CI job")
          .evidence("credsStore = " + store + " in " + s.get("docker.config.file"))
          .why("without a desktop session docker login fails: error storing credentials … Cannot autolaunch D-Bus without X11 $DISPLAY (entry 11)")
          .fix("use a job-local DOCKER_CONFIG=$(mktemp -d) without credsStore, or remove the helper package")
          .build());
    }
    if (s.get("docker.server.error") != null && s.get("docker.client.version") != null) {
      out.add(Finding.of("env.docker.no-daemon", Severity.NOTE, "no docker daemon answered")
          .evidence(s.get("docker.server.error") + (s.get("docker.host") != null ? "\nDOCKER_HOST=" + s.get("docker.host") : ""))
          .why("daemon version, storage driver and registry settings are not recorded; a lock saved here cannot check the daemon")
          .fix("start the daemon (or set DOCKER_HOST to it) before saving or checking the lock, or ignore this on machines that only use berth/skopeo")
          .build());
    }
    return out;
  }
}
