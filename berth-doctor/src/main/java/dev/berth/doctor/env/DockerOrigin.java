package dev.berth.doctor.env;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a docker binary came from, read from its version strings: upstream docker-ce, a Linux
 * distribution's repackaging (Debian/Ubuntu {@code docker.io} "+dfsg"), or Red Hat's
 * projectatomic fork ({@code docker-1.13.1-…el7.centos}, git commit {@code sha/1.13.1}) whose
 * 1.12/1.13 CLI sends credentials in a form upstream daemons ignore (ci-failures.md §1).
 */
public final class DockerOrigin {
  private DockerOrigin() {}

  public static final String REDHAT_FORK = "redhat-fork";
  public static final String DISTRO = "distro";
  public static final String UPSTREAM = "docker-ce";
  public static final String UNKNOWN = "unknown";

  private static final Pattern RH_COMMIT = Pattern.compile("^[0-9a-f]{7,12}/\\d+\\.\\d+.*$");
  private static final Pattern RH_PACKAGE = Pattern.compile("(\\.el\\d|\\.centos|\\.fc\\d\\d|projectatomic|\\.rhel)", Pattern.CASE_INSENSITIVE);

  /**
   * @param version the Version field
   * @param gitCommit the GitCommit field
   * @param packageInfo anything else known: PkgVersion / "Package version" text, platform name, the owning OS package
   */
  public static String classify(String version, String gitCommit, String packageInfo) {
    String v = version == null ? "" : version;
    String c = gitCommit == null ? "" : gitCommit;
    String p = packageInfo == null ? "" : packageInfo.replace("none (not installed by an OS package manager)", "").strip();
    if (RH_PACKAGE.matcher(p).find() || RH_PACKAGE.matcher(v).find() || RH_COMMIT.matcher(c).matches()) return REDHAT_FORK;
    String low = (v + " " + p).toLowerCase(Locale.ROOT);
    if (low.contains("community") || low.contains("-ce") || low.contains("docker-ce") || low.contains("docker engine")) return UPSTREAM;
    if (low.contains("dfsg") || low.contains("ubuntu") || low.contains("debian") || low.contains("docker.io") || low.contains("+azure")
        || low.contains("moby-") || low.contains("alpine") || low.contains("docker-cli (apk)")) return DISTRO;
    Version parsed = Version.parse(v);
    if (parsed != null && parsed.major() >= 17 && p.isBlank()) return UPSTREAM;
    return UNKNOWN;
  }
}
