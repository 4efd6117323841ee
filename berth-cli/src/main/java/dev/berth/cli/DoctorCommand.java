package dev.berth.cli;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Report;
import dev.berth.doctor.Severity;
import dev.berth.doctor.dockerfile.Lint;
import dev.berth.doctor.env.EnvCheck;
import dev.berth.doctor.env.EnvCollector;
import dev.berth.doctor.env.EnvLock;
import dev.berth.doctor.env.EnvSnapshot;
import dev.berth.doctor.explain.Diagnosis;
import dev.berth.doctor.explain.Explainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** berth doctor: environment lock, CI image lint, CI log explainer. Thin: the logic is in berth-doctor. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Finds why image builds and pushes fail in CI, and what differs from your machine.",
        "Findings read: what is wrong -> evidence -> why it matters -> how to fix.",
        "Exit status: 0 no finding at or above --fail-on (default error), 1 there is one, 2 usage error.",
        "  berth doctor                         # env checks (+ berth-env.lock if present) and lint of this directory",
        "  berth doctor env --save berth-env.lock   # record this machine; commit the file",
        "  berth doctor env --check berth-env.lock  # in CI: report each drift with a severity",
        "  berth doctor dockerfile Dockerfile .gitlab-ci.yml",
        "  berth doctor explain job.log         # or: ... | berth doctor explain -"},
    subcommands = {DoctorCommand.Env.class, DoctorCommand.DockerfileLint.class, DoctorCommand.Explain.class})
final class DoctorCommand implements Callable<Integer> {
  static final String DEFAULT_LOCK = "berth-env.lock";

  /** --json and --fail-on, on the bare form and every subcommand. */
  static final class Output {
    @Option(names = "--json", description = "Print the report as JSON.") boolean json;
    @Option(names = "--fail-on", paramLabel = "SEVERITY", defaultValue = "error", converter = SeverityConverter.class,
        description = "Exit 1 when a finding at or above this severity exists: note, warning, error (default: error).") Severity failOn;

    int print(CommandSpec spec, Report r) {
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? r.json() : r.human());
      out.flush();
      return r.exitCode(failOn);
    }
  }

  static final class SeverityConverter implements ITypeConverter<Severity> {
    @Override
    public Severity convert(String value) {
      return Severity.parse(value);
    }
  }

  @Spec CommandSpec spec;
  @Mixin Output output;

  @Override
  public Integer call() throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    Report r = new Report("berth doctor");
    EnvSnapshot s = EnvCollector.ofThisProcess().collect();
    r.addAll(EnvCheck.rules(s));
    r.note("env: " + summary(s));
    Path lock = cwd.resolve(DEFAULT_LOCK);
    if (Files.isRegularFile(lock)) {
      r.addAll(EnvCheck.drift(read(lock), s, DEFAULT_LOCK));
      r.note("env: checked against " + DEFAULT_LOCK);
    } else {
      r.note("env: no " + DEFAULT_LOCK + " here (record one with: berth doctor env --save " + DEFAULT_LOCK + ")");
    }
    List<Path> files = Lint.discover(cwd);
    for (Path f : files) r.addAll(Lint.lint(f, cwd.relativize(f).toString()));
    r.note("lint: " + (files.isEmpty() ? "no Dockerfile or CI definition found here" : files.size() + " file(s): "
        + String.join(", ", files.stream().map(f -> cwd.relativize(f).toString()).toList())));
    r.note("explain: pipe a failed job's log into: berth doctor explain -");
    r.fact("env", s.asMap());
    return output.print(spec, r);
  }

  static String summary(EnvSnapshot s) {
    List<String> parts = new ArrayList<>();
    if (s.get("os.distro.pretty") != null) parts.add(s.get("os.distro.pretty"));
    if (s.get("docker.client.version") != null) parts.add("docker CLI " + s.get("docker.client.version") + " (" + s.get("docker.path") + ")");
    parts.add(s.get("docker.server.version") != null ? "daemon " + s.get("docker.server.version") : "no docker daemon");
    if (s.get("java.version") != null) parts.add("java " + s.get("java.version"));
    if (s.get("maven.version") != null) parts.add("maven " + s.get("maven.version"));
    if (s.get("ci.provider") != null) parts.add("CI " + s.get("ci.provider"));
    return String.join(", ", parts);
  }

  static EnvLock read(Path lock) {
    try {
      return EnvLock.read(lock);
    } catch (NoSuchFileException e) {
      throw new UserError("no such lock file: " + lock);
    } catch (IOException e) {
      throw new UserError("cannot read " + lock + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UserError(lock + ": " + e.getMessage());
    }
  }

  @Command(name = "env", mixinStandardHelpOptions = true,
      description = {"Records or checks the environment that builds and pushes images: OS, docker client and daemon",
          "(version, API, package origin, storage driver, insecure registries, mirrors), buildx, podman/buildah/skopeo,",
          "JDK, Maven/Gradle/sbt and their image plugins, git, DOCKER_HOST/DOCKER_CONFIG, CI variable names.",
          "Without --save/--check: prints the facts and the checks that need no lock (client/daemon skew, ...).",
          "Lock file format: docs/doctor.md."})
  static final class Env implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Output output;
    @Option(names = "--save", paramLabel = "FILE", description = "Write this machine's lock to FILE (commit it).") Path save;
    @Option(names = "--check", paramLabel = "FILE", description = "Compare this machine with the lock in FILE.") Path check;

    @Override
    public Integer call() throws IOException {
      EnvSnapshot s = EnvCollector.ofThisProcess().collect();
      Report r = new Report("berth doctor env");
      r.addAll(EnvCheck.rules(s));
      r.fact("env", s.asMap());
      if (save != null) {
        String host = System.getenv("HOSTNAME");
        Files.writeString(save, EnvLock.render(s, host), StandardCharsets.UTF_8);
        r.note("saved " + s.asMap().size() + " facts to " + save + " (commit it; check with: berth doctor env --check " + save + ")");
      }
      if (check != null) {
        List<Finding> drift = EnvCheck.drift(read(check), s, check.toString());
        r.addAll(drift);
        r.note("checked against " + check + ": " + drift.size() + " drift(s)");
      }
      if (save == null && check == null && !output.json) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, String> e : s.asMap().entrySet()) b.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        r.note(b.toString().strip());
      }
      return output.print(spec, r);
    }
  }

  @Command(name = "dockerfile", mixinStandardHelpOptions = true,
      description = {"Lints the images CI runs in and the CI definitions: unpinned package installs (yum/dnf, apt, apk,",
          "pip, npm, gem, go), FROM without a tag or with latest, docker from a distribution's repositories",
          "(yum install -y docker on CentOS 7 = Red Hat's docker 1.13.1), a docker CLI image and dind service of",
          "different versions in .gitlab-ci.yml, the dind TLS port, ghcr.io pushes without packages: write, ...",
          "Without FILE: every Dockerfile, Containerfile, .gitlab-ci.yml, GitHub workflow and Jenkinsfile here."})
  static final class DockerfileLint implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Output output;
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Files to lint.") List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      Path cwd = Path.of("").toAbsolutePath();
      List<Path> targets = files.isEmpty() ? Lint.discover(cwd) : files;
      Report r = new Report("berth doctor dockerfile");
      for (Path f : targets) {
        if (!Files.isRegularFile(f)) throw new UserError("no such file: " + f);
        String shown = f.isAbsolute() && f.startsWith(cwd) ? cwd.relativize(f).toString() : f.toString();
        r.addAll(Lint.lint(f, shown));
      }
      r.note(targets.isEmpty() ? "no Dockerfile or CI definition found" : "linted " + targets.size() + " file(s)");
      return output.print(spec, r);
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = {"Reads a CI job log (docker, BuildKit, podman, skopeo, Jib, sbt-native-packager, berth) and names each known",
          "failure with the catalogue's cause and fix, and which hop failed (client -> daemon, daemon -> token service,",
          "registry, proxy, TLS). When one error has several causes, candidates are ranked by the evidence in the log.",
          "  berth doctor explain job.log      |      cat job.log | berth doctor explain"})
  static final class Explain implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Output output;
    @Parameters(paramLabel = "FILE", arity = "0..1", defaultValue = "-", description = "The log, or - for standard input (default).") String file;

    @Override
    public Integer call() throws IOException {
      String log;
      String source;
      if (file.equals("-")) {
        log = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
        source = "stdin";
      } else {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) throw new UserError("no such file: " + file);
        log = Files.readString(p, StandardCharsets.UTF_8);
        source = file;
      }
      List<Diagnosis> ds = new Explainer().explain(log);
      Report r = new Report("berth doctor explain");
      r.addAll(Explainer.findings(ds, source));
      r.note(ds.isEmpty() ? "no known failure signature in " + log.lines().count() + " lines of " + source
          : "read " + log.lines().count() + " lines of " + source + ": " + ds.stream().filter(d -> d.rank() == 1).count() + " failure(s) recognised");
      List<Map<String, Object>> facts = new ArrayList<>();
      for (Diagnosis d : ds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("signature", d.signature().id());
        m.put("rank", d.rank());
        m.put("score", d.score());
        m.put("line", d.line());
        m.put("hop", d.signature().hop());
        m.put("catalogue", d.signature().catalogue());
        m.put("extracted", d.facts());
        facts.add(m);
      }
      r.fact("diagnoses", facts);
      return output.print(spec, r);
    }
  }
}
