package dev.berth.server.auth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a User-Agent says about the client: which tool and version, and for a Docker daemon the
 * CLI that called it ({@code UpstreamClient(Docker-Client/1.13.1 \(linux\))}). A hint for
 * explanations and the audit log, never for authentication.
 *
 * @param tool docker-daemon, docker-cli, containerd, buildkit, podman/buildah (containers-image),
 *     skopeo, crane, kaniko, jib, berth, or "unknown"
 * @param version the tool's version, may be null
 * @param upstreamTool for a docker daemon: the caller (docker-cli, or e.g. Go-http-client), may be null
 * @param upstreamVersion the caller's version, may be null
 */
public record ClientInfo(String tool, String version, String upstreamTool, String upstreamVersion) {
  private static final Pattern DOCKER_DAEMON = Pattern.compile("^docker/(\\S+).*?(?:UpstreamClient\\((.*)\\))?\\s*$");
  private static final Pattern DOCKER_CLI = Pattern.compile("Docker-Client/([^\\s\\\\(]+)");
  private static final Pattern FIRST = Pattern.compile("^([A-Za-z][A-Za-z0-9._-]*)[/ ]v?([0-9][^\\s,;()]*)?");

  public static final ClientInfo UNKNOWN = new ClientInfo("unknown", null, null, null);

  public static ClientInfo parse(String ua) {
    if (ua == null || ua.isBlank()) return UNKNOWN;
    String s = ua.trim();
    Matcher m = DOCKER_DAEMON.matcher(s);
    if (m.matches()) {
      String upstream = m.group(2);
      String upTool = null;
      String upVersion = null;
      if (upstream != null) {
        Matcher c = DOCKER_CLI.matcher(upstream);
        if (c.find()) {
          upTool = "docker-cli";
          upVersion = c.group(1);
        } else {
          Matcher f = FIRST.matcher(upstream.replace("\\", ""));
          if (f.find()) {
            upTool = f.group(1);
            upVersion = f.group(2);
          }
        }
      }
      return new ClientInfo("docker-daemon", m.group(1), upTool, upVersion);
    }
    Matcher c = DOCKER_CLI.matcher(s);
    if (s.startsWith("Docker-Client/") && c.find()) return new ClientInfo("docker-cli", c.group(1), null, null);
    if (s.startsWith("containers/")) return new ClientInfo("containers-image", version(s, "containers/"), null, null);
    if (s.startsWith("buildkit/")) return new ClientInfo("buildkit", version(s, "buildkit/"), null, null);
    if (s.startsWith("jib ")) {
      String[] parts = s.split(" ");
      return new ClientInfo("jib", parts.length > 1 ? parts[1] : null, parts.length > 2 ? parts[2] : null, null);
    }
    Matcher f = FIRST.matcher(s);
    if (f.find()) {
      String tool = f.group(1).toLowerCase(java.util.Locale.ROOT);
      if (tool.equals("go-containerregistry")) tool = "crane";
      return new ClientInfo(tool, f.group(2), null, null);
    }
    return UNKNOWN;
  }

  private static String version(String s, String prefix) {
    String rest = s.substring(prefix.length());
    int end = 0;
    while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) end++;
    String v = rest.substring(0, end);
    return v.startsWith("v") ? v.substring(1) : v;
  }

  /** One line for messages and the audit log, e.g. "docker daemon 20.10.24 relaying docker CLI 1.13.1". */
  public String describe() {
    if (tool.equals("unknown")) return "unknown client";
    String name = switch (tool) {
      case "docker-daemon" -> "docker daemon";
      case "docker-cli" -> "docker CLI";
      case "containers-image" -> "podman/buildah (containers/image)";
      default -> tool;
    };
    StringBuilder b = new StringBuilder(name);
    if (version != null) b.append(' ').append(version);
    if (upstreamTool != null && tool.equals("jib")) {
      b.append(" (").append(upstreamTool).append(')');
    } else if (upstreamTool != null) {
      b.append(" relaying ").append(upstreamTool.equals("docker-cli") ? "docker CLI" : upstreamTool);
      if (upstreamVersion != null) b.append(' ').append(upstreamVersion);
    }
    return b.toString();
  }

  /**
   * For a docker daemon relaying a docker CLI of a much older generation: a sentence naming both
   * versions, the known cause and the fix; null when there is no such skew.
   */
  public String dockerSkew() {
    if (!"docker-daemon".equals(tool) || !"docker-cli".equals(upstreamTool) || version == null || upstreamVersion == null) return null;
    int daemon = generation(version);
    int cli = generation(upstreamVersion);
    if (daemon < 0 || cli < 0 || daemon - cli < 2) return null;
    String daemonShort = version.replaceAll("[+~].*$", "");
    StringBuilder b = new StringBuilder("your docker CLI ").append(upstreamVersion).append(" is talking to docker daemon ").append(daemonShort);
    if (cli < 17) {
      b.append(": docker CLIs 1.12/1.13 as shipped by CentOS/RHEL (yum install docker) send the login in a form newer daemons ignore (X-Registry-Auth as a map),"
          + " so the daemon pushed anonymously even though docker login said Login Succeeded");
    } else {
      b.append(": a CLI that far behind its daemon may not forward credentials the way the daemon expects");
    }
    b.append(" (the daemon wants docker-ce-cli ").append(daemonShort).append(", not the distribution's docker package)");
    return b.toString();
  }

  /** Release generation: 1.x → 16 (2016 and before), 17.03 → 17, 20.10 → 20, 27.x → 27. */
  static int generation(String v) {
    Matcher m = Pattern.compile("^v?(\\d+)\\.(\\d+)").matcher(v);
    if (!m.find()) return -1;
    int major = Integer.parseInt(m.group(1));
    return major == 1 ? 16 : major;
  }
}
