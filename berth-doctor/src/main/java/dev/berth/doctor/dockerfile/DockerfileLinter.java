package dev.berth.doctor.dockerfile;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Lints a Dockerfile/Containerfile: base image pinning and the shell rules over every RUN. */
public final class DockerfileLinter {
  private DockerfileLinter() {}

  /** One instruction with its continuation lines joined, and the line it starts on. */
  record Instruction(int line, String keyword, String args) {}

  private static final Pattern FROM = Pattern.compile("^(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+[Aa][Ss]\\s+(\\S+))?.*$");

  public static List<Finding> lint(String file, String text) {
    List<Finding> out = new ArrayList<>();
    Set<String> stages = new HashSet<>();
    String base = null;
    for (Instruction ins : parse(text)) {
      switch (ins.keyword) {
        case "FROM" -> {
          Matcher m = FROM.matcher(ins.args.strip());
          if (!m.matches()) continue;
          String image = m.group(1);
          base = image;
          from(file, ins, image, stages, out);
          if (m.group(2) != null) stages.add(m.group(2).toLowerCase(Locale.ROOT));
        }
        case "RUN" -> out.addAll(ShellLint.lint(ins.args, new ShellLint.Context(file, ins.line, base)));
        default -> { }
      }
    }
    return out;
  }

  private static void from(String file, Instruction ins, String image, Set<String> stages, List<Finding> out) {
    String low = image.toLowerCase(Locale.ROOT);
    if (low.equals("scratch") || stages.contains(low) || image.contains("$") || image.contains("@sha256:")) return;
    String lastPart = image.substring(image.lastIndexOf('/') + 1);
    String tag = lastPart.contains(":") ? lastPart.substring(lastPart.indexOf(':') + 1) : null;
    String repo = tag == null ? image : image.substring(0, image.length() - tag.length() - 1);
    if (tag == null) {
      out.add(Finding.of("dockerfile.from-untagged", Severity.WARNING, "FROM " + image + " has no tag, so it means " + image + ":latest")
          .evidence("FROM " + ins.args.strip())
          .why("the base image changes under the build whenever upstream pushes; CI and the developer machine build on different bases (hadolint DL3006)")
          .fix("pin a release tag, ideally with its digest: FROM " + image + ":<version>@sha256:…")
          .at(file, ins.line).build());
    } else if (tag.equals("latest")) {
      out.add(Finding.of("dockerfile.from-latest", Severity.WARNING, "FROM " + image + " uses the moving tag latest")
          .evidence("FROM " + ins.args.strip())
          .why("latest moves with every upstream release (hadolint DL3007)")
          .fix("pin a release tag: FROM " + repo + ":<version>")
          .at(file, ins.line).build());
    }
    String name = repo.replaceFirst("^(docker\\.io/)?(library/)?", "");
    if (name.equals("docker") && tag != null && (tag.equals("stable") || tag.startsWith("stable-") || tag.equals("dind") || tag.equals("git"))) {
      out.add(Finding.of("dockerfile.docker-stable", Severity.WARNING, "FROM " + image + ": the docker:" + tag + " tag has not moved since 2020 (docker 19.03)")
          .evidence("FROM " + ins.args.strip())
          .why("a frozen 19.03 CLI is refused by current daemons (client version 1.40 is too old. Minimum supported API version is 1.44, ci-failures.md entry 25)")
          .fix("use docker:<daemon version>-cli, e.g. docker:24.0.7-cli")
          .at(file, ins.line).build());
    }
    if (name.matches("centos") && tag != null && tag.matches("(centos)?7.*")) {
      out.add(Finding.of("dockerfile.centos7", Severity.NOTE, "FROM " + image + ": CentOS 7 reached end of life on 2024-06-30")
          .evidence("FROM " + ins.args.strip())
          .why("its repositories moved to vault.centos.org, and its docker package is Red Hat's 1.13.1 fork (ci-failures.md §1)")
          .fix("move the CI image to a maintained base (e.g. rockylinux:9, debian:12) or docker:<version>-cli")
          .at(file, ins.line).build());
    }
  }

  static List<Instruction> parse(String text) {
    List<Instruction> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    char escape = '\\';
    StringBuilder cur = null;
    int start = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].replace("\r", "");
      String t = line.strip();
      if (i == 0 && t.toLowerCase(Locale.ROOT).matches("#\\s*escape\\s*=\\s*`")) escape = '`';
      if (cur == null) {
        if (t.isEmpty() || t.startsWith("#")) continue;
        cur = new StringBuilder();
        start = i + 1;
      } else if (t.startsWith("#")) {
        continue; // comment inside a continued instruction
      }
      if (!t.isEmpty() && t.charAt(t.length() - 1) == escape) {
        cur.append(t, 0, t.length() - 1).append('\n');
        continue;
      }
      cur.append(t);
      out.add(instruction(start, cur.toString()));
      cur = null;
    }
    if (cur != null && !cur.isEmpty()) out.add(instruction(start, cur.toString()));
    return out;
  }

  private static Instruction instruction(int line, String s) {
    String t = s.strip();
    int sp = t.indexOf(' ');
    String kw = (sp < 0 ? t : t.substring(0, sp)).toUpperCase(Locale.ROOT);
    return new Instruction(line, kw, sp < 0 ? "" : t.substring(sp + 1));
  }
}
