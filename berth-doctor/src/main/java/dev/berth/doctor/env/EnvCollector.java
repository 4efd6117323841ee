package dev.berth.doctor.env;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.doctor.Proc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the environment that builds and pushes images by running the real tools (each with a
 * timeout) and reading a few files. Takes the process environment and working directory as
 * parameters so that tests can point it at a private docker daemon or another PATH.
 */
public final class EnvCollector {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Places checked for docker binaries besides the PATH: a second docker here is a classic source of "works on my machine". */
  static final List<String> EXTRA_DOCKER_DIRS = List.of("/usr/bin", "/usr/local/bin", "/bin", "/snap/bin", "/opt/homebrew/bin",
      "/usr/libexec/docker", "/opt/docker/bin");
  private static final Pattern CI_VAR = Pattern.compile(
      "^(CI|CI_.*|GITLAB_.*|GITHUB_.*|RUNNER_.*|JENKINS_.*|BUILD_.*|JOB_.*|BUILDKITE.*|CIRCLE.*|TRAVIS.*|DRONE.*|TEAMCITY.*|BITBUCKET_.*|TF_BUILD|AGENT_.*|SYSTEM_.*|CODEBUILD_.*)$");

  private final Map<String, String> env;
  private final Path cwd;
  private final Duration timeout;

  public EnvCollector(Map<String, String> env, Path cwd) {
    this(env, cwd, Duration.ofSeconds(15));
  }

  public EnvCollector(Map<String, String> env, Path cwd, Duration timeout) {
    this.env = Map.copyOf(env);
    this.cwd = cwd;
    this.timeout = timeout;
  }

  public static EnvCollector ofThisProcess() {
    return new EnvCollector(System.getenv(), Path.of("").toAbsolutePath());
  }

  public EnvSnapshot collect() {
    EnvSnapshot s = new EnvSnapshot();
    os(s);
    docker(s);
    others(s);
    jvmBuild(s);
    ci(s);
    return s;
  }

  private Proc.Result run(String... cmd) {
    return Proc.run(env, timeout, cmd);
  }

  private void os(EnvSnapshot s) {
    s.put("os.name", System.getProperty("os.name"));
    s.put("os.arch", System.getProperty("os.arch"));
    s.put("os.kernel", System.getProperty("os.version"));
    Path osRelease = Path.of("/etc/os-release");
    if (Files.isReadable(osRelease)) {
      try {
        for (String line : Files.readAllLines(osRelease)) {
          int eq = line.indexOf('=');
          if (eq < 0) continue;
          String k = line.substring(0, eq);
          String v = line.substring(eq + 1).replaceAll("^\"|\"$", "");
          switch (k) {
            case "ID" -> s.put("os.distro", v);
            case "VERSION_ID" -> s.put("os.distro.version", v);
            case "PRETTY_NAME" -> s.put("os.distro.pretty", v);
            case "ID_LIKE" -> s.put("os.distro.like", v);
            default -> { }
          }
        }
      } catch (IOException ignored) {
        // no distro information; keep going
      }
    }
  }

  private void docker(EnvSnapshot s) {
    s.put("docker.host", env.get("DOCKER_HOST"));
    s.put("docker.config", env.get("DOCKER_CONFIG"));
    s.put("docker.context", env.get("DOCKER_CONTEXT"));
    s.put("docker.tls_certdir", env.containsKey("DOCKER_TLS_CERTDIR") ? "\"" + env.get("DOCKER_TLS_CERTDIR") + "\"" : null);
    List<Path> all = Proc.findAll("docker", env.get("PATH"), EXTRA_DOCKER_DIRS);
    Path onPath = Proc.which("docker", env.get("PATH"));
    if (onPath == null && all.isEmpty()) return;
    Path primary = onPath != null ? onPath : all.get(0);
    s.put("docker.path", primary + (onPath == null ? " (not on PATH)" : ""));
    List<String> binaries = new ArrayList<>();
    for (Path p : all) {
      if (p.equals(primary)) continue;
      Proc.Result r = run(p.toString(), "version", "--format", "{{.Client.Version}}");
      String v = r.out().lines().findFirst().orElse("");
      binaries.add(p + "=" + (v.isBlank() || v.contains(" ") ? "?" : v));
    }
    if (!binaries.isEmpty()) s.put("docker.other_binaries", String.join(",", binaries));

    Proc.Result ver = run(primary.toString(), "version", "--format", "{{json .}}");
    JsonNode root = firstJson(ver.stdout());
    if (root != null) {
      JsonNode c = root.path("Client");
      s.put("docker.client.version", text(c, "Version"));
      // DefaultAPIVersion is the newest API the CLI speaks; ApiVersion is what it negotiated with this daemon
      s.put("docker.client.api", text(c, "DefaultAPIVersion") != null ? text(c, "DefaultAPIVersion") : text(c, "ApiVersion"));
      if (text(c, "DefaultAPIVersion") != null && !text(c, "DefaultAPIVersion").equals(text(c, "ApiVersion"))) {
        s.put("docker.client.api_negotiated", text(c, "ApiVersion"));
      }
      s.put("docker.client.git_commit", text(c, "GitCommit"));
      s.put("docker.client.go", text(c, "GoVersion"));
      String pkg = ownerPackage(primary);
      String pkgInfo = String.join(" ", nz(text(c.path("Platform"), "Name")), nz(text(c, "PkgVersion")), nz(pkg));
      s.put("docker.client.package", pkg);
      s.put("docker.client.origin", DockerOrigin.classify(text(c, "Version"), text(c, "GitCommit"), pkgInfo));
      JsonNode sv = root.path("Server");
      if (sv.isObject()) {
        s.put("docker.server.version", text(sv, "Version"));
        s.put("docker.server.api", text(sv, "ApiVersion"));
        s.put("docker.server.min_api", text(sv, "MinAPIVersion"));
        s.put("docker.server.git_commit", text(sv, "GitCommit"));
        s.put("docker.server.os", text(sv, "Os") + "/" + text(sv, "Arch"));
        String serverPkg = String.join(" ", nz(text(sv.path("Platform"), "Name")), nz(text(sv, "PkgVersion")));
        s.put("docker.server.origin", DockerOrigin.classify(text(sv, "Version"), text(sv, "GitCommit"), serverPkg));
        for (JsonNode comp : sv.path("Components")) {
          if ("containerd".equals(text(comp, "Name"))) s.put("docker.server.containerd", text(comp, "Version"));
        }
      } else {
        String err = (ver.stderr() + " " + ver.stdout()).lines().filter(l -> l.contains("daemon") || l.contains("connect"))
            .findFirst().orElse("no daemon answered");
        s.put("docker.server.error", err.strip());
      }
    } else if (!ver.ok()) {
      s.put("docker.client.error", ver.all().lines().findFirst().orElse("docker version failed"));
    }
    if (s.has("docker.server.version")) {
      Proc.Result info = run(primary.toString(), "info", "--format", "{{json .}}");
      JsonNode i = firstJson(info.stdout());
      if (i != null) {
        s.put("docker.server.storage_driver", text(i, "Driver"));
        s.put("docker.server.cgroup_driver", text(i, "CgroupDriver"));
        s.put("docker.server.index", text(i, "IndexServerAddress"));
        s.put("docker.server.operating_system", text(i, "OperatingSystem"));
        List<String> insecure = new ArrayList<>();
        for (JsonNode n : i.path("RegistryConfig").path("InsecureRegistryCIDRs")) insecure.add(n.asText());
        for (var e : i.path("RegistryConfig").path("IndexConfigs").properties()) {
          if (!e.getValue().path("Secure").asBoolean(true)) insecure.add(e.getKey());
        }
        s.put("docker.server.insecure_registries", String.join(",", insecure));
        List<String> mirrors = new ArrayList<>();
        for (JsonNode n : i.path("RegistryConfig").path("Mirrors")) mirrors.add(n.asText());
        s.put("docker.server.mirrors", String.join(",", mirrors));
      }
    }
    Proc.Result bx = run(primary.toString(), "buildx", "version");
    if (bx.ok()) {
      Matcher m = Pattern.compile("(v?\\d+\\.\\d+\\.\\d+\\S*)").matcher(bx.out());
      if (m.find()) s.put("docker.buildx.version", m.group(1));
    }
    s.put("docker.buildkit", env.get("DOCKER_BUILDKIT"));
    credentials(s);
  }

  /** Which credential store docker would use, never the credentials themselves. */
  private void credentials(EnvSnapshot s) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir == null && env.get("HOME") != null) dir = env.get("HOME") + "/.docker";
    if (dir == null) return;
    Path cfg = Path.of(dir, "config.json");
    if (!Files.isReadable(cfg)) return;
    try {
      JsonNode n = JSON.readTree(cfg.toFile());
      s.put("docker.config.file", cfg.toString());
      s.put("docker.config.creds_store", text(n, "credsStore"));
      TreeSet<String> registries = new TreeSet<>();
      n.path("auths").fieldNames().forEachRemaining(registries::add);
      s.put("docker.config.auths", String.join(",", registries));
      TreeSet<String> helpers = new TreeSet<>();
      n.path("credHelpers").fieldNames().forEachRemaining(helpers::add);
      s.put("docker.config.cred_helpers", String.join(",", helpers));
    } catch (IOException e) {
      s.put("docker.config.file", cfg + " (unreadable: " + e.getMessage() + ")");
    }
  }

  private void others(EnvSnapshot s) {
    String path = env.get("PATH");
    if (Proc.which("podman", path) != null) s.put("podman.version", versionOf(run("podman", "--version").out()));
    if (Proc.which("buildah", path) != null) s.put("buildah.version", versionOf(run("buildah", "--version").out()));
    if (Proc.which("skopeo", path) != null) s.put("skopeo.version", versionOf(run("skopeo", "--version").out()));
    if (Proc.which("git", path) != null) s.put("git.version", versionOf(run("git", "--version").out()));
  }

  private void jvmBuild(EnvSnapshot s) {
    String path = env.get("PATH");
    Path javaBin = env.get("JAVA_HOME") != null && Files.isExecutable(Path.of(env.get("JAVA_HOME"), "bin", "java"))
        ? Path.of(env.get("JAVA_HOME"), "bin", "java") : Proc.which("java", path);
    if (javaBin != null) {
      Proc.Result r = run(javaBin.toString(), "-XshowSettings:properties", "-version");
      String all = r.all();
      Matcher m = Pattern.compile("java\\.version = (\\S+)").matcher(all);
      Matcher vendor = Pattern.compile("java\\.vendor = (.+)").matcher(all);
      if (m.find()) {
        s.put("java.version", m.group(1));
      } else {
        Matcher q = Pattern.compile("version \"([^\"]+)\"").matcher(all);
        if (q.find()) s.put("java.version", q.group(1));
      }
      if (vendor.find()) s.put("java.vendor", vendor.group(1).strip());
      s.put("java.home", env.get("JAVA_HOME"));
    }
    if (Proc.which("mvn", path) != null) {
      Matcher m = Pattern.compile("Apache Maven (\\S+)").matcher(run("mvn", "-v").all().replaceAll("\u001b\\[[0-9;]*m", ""));
      if (m.find()) s.put("maven.version", m.group(1));
    }
    if (Proc.which("gradle", path) != null) {
      Matcher m = Pattern.compile("Gradle (\\S+)").matcher(run("gradle", "--version", "--offline").all());
      if (m.find()) s.put("gradle.version", m.group(1));
    }
    if (Proc.which("sbt", path) != null) s.put("sbt.launcher", Proc.which("sbt", path).toString());
    // the project in the working directory: build tool versions and image-building plugins
    Path buildProps = cwd.resolve("project/build.properties");
    s.put("sbt.version", grep(buildProps, "sbt\\.version\\s*=\\s*(\\S+)"));
    Path plugins = cwd.resolve("project/plugins.sbt");
    s.put("sbt.plugin.sbt-native-packager", grep(plugins, "\"sbt-native-packager\"\\s*%\\s*\"([^\"]+)\""));
    s.put("sbt.plugin.sbt-docker", grep(plugins, "\"sbt-docker\"\\s*%\\s*\"([^\"]+)\""));
    s.put("sbt.plugin.sbt-jib", grep(plugins, "\"sbt-jib\"\\s*%\\s*\"([^\"]+)\""));
    Path pom = cwd.resolve("pom.xml");
    s.put("maven.plugin.jib-maven-plugin", grep(pom, "<artifactId>jib-maven-plugin</artifactId>\\s*<version>([^<]+)</version>"));
    s.put("maven.plugin.docker-maven-plugin", grep(pom, "<artifactId>docker-maven-plugin</artifactId>\\s*<version>([^<]+)</version>"));
    s.put("maven.plugin.dockerfile-maven-plugin", grep(pom, "<artifactId>dockerfile-maven-plugin</artifactId>\\s*<version>([^<]+)</version>"));
    for (String g : List.of("build.gradle", "build.gradle.kts")) {
      s.put("gradle.plugin.jib", grep(cwd.resolve(g), "com\\.google\\.cloud\\.tools\\.jib['\"]?\\)?\\s*version\\s*['\"]([^'\"]+)['\"]"));
    }
    s.put("gradle.wrapper", grep(cwd.resolve("gradle/wrapper/gradle-wrapper.properties"), "gradle-([0-9.]+)-(?:bin|all)\\.zip"));
  }

  private void ci(EnvSnapshot s) {
    String provider = "true".equals(env.get("GITLAB_CI")) ? "gitlab"
        : "true".equals(env.get("GITHUB_ACTIONS")) ? "github"
        : env.containsKey("JENKINS_URL") || env.containsKey("JENKINS_HOME") ? "jenkins"
        : "true".equalsIgnoreCase(env.get("CI")) ? "generic" : null;
    s.put("ci.provider", provider);
    TreeSet<String> names = new TreeSet<>();
    for (String k : env.keySet()) {
      if (CI_VAR.matcher(k).matches()) names.add(k);
    }
    s.put("ci.variables", String.join(",", names));
  }

  private static String grep(Path file, String regex) {
    if (!Files.isReadable(file)) return null;
    try {
      Matcher m = Pattern.compile(regex).matcher(Files.readString(file));
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The OS package that owns a binary (dpkg or rpm), which tells docker-ce from docker.io from Red Hat's docker. */
  private String ownerPackage(Path bin) {
    String path = env.get("PATH");
    Path real;
    try {
      real = bin.toRealPath();
    } catch (IOException e) {
      real = bin;
    }
    if (Proc.which("dpkg-query", path) != null) {
      Proc.Result r = run("dpkg-query", "-S", real.toString());
      if (r.ok() && r.out().contains(":")) {
        String pkg = r.out().lines().findFirst().orElse("").split(":")[0].strip();
        Proc.Result v = run("dpkg-query", "-W", "-f", "${Version}", pkg);
        return pkg + (v.ok() ? " " + v.out() : "") + " (dpkg)";
      }
    }
    if (Proc.which("rpm", path) != null) {
      Proc.Result r = run("rpm", "-qf", real.toString());
      if (r.ok()) return r.out() + " (rpm)";
    }
    if (Proc.which("apk", path) != null) {
      Proc.Result r = run("apk", "info", "--who-owns", real.toString());
      if (r.ok()) return r.out() + " (apk)";
    }
    return "none (not installed by an OS package manager)";
  }

  static String versionOf(String out) {
    Version v = Version.parse(out.replaceAll("^[^0-9]*", ""));
    return v == null ? (out.isBlank() ? null : out.lines().findFirst().orElse(null)) : v.raw();
  }

  private static JsonNode firstJson(String s) {
    for (String line : s.lines().toList()) {
      String t = line.strip();
      if (t.startsWith("{")) {
        try {
          return JSON.readTree(t);
        } catch (IOException ignored) {
          // not this line
        }
      }
    }
    return null;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
