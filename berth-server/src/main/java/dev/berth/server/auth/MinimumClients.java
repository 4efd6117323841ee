package dev.berth.server.auth;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Refuses clients older than configured minimums ({@code clients.minimum = docker-cli=17.05,
 * docker-daemon=18.09}), with an explanation, before they fail in a confusing way later. A docker
 * daemon's upstream CLI is checked against the docker-cli minimum.
 */
public final class MinimumClients {
  private final Map<String, String> minimum;

  public MinimumClients(Map<String, String> minimum) {
    this.minimum = Map.copyOf(minimum);
  }

  public static final MinimumClients NONE = new MinimumClients(Map.of());

  /** Parses {@code tool=version,tool=version}; throws IllegalArgumentException naming the bad entry. */
  public static MinimumClients parse(String s) {
    Map<String, String> m = new LinkedHashMap<>();
    if (s == null || s.isBlank()) return NONE;
    for (String part : s.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0 || !p.substring(eq + 1).trim().matches("\\d+(\\.\\d+)*")) {
        throw new IllegalArgumentException("\"" + p + "\" is not TOOL=VERSION (for example docker-cli=17.05)");
      }
      m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
    }
    return new MinimumClients(m);
  }

  public boolean isEmpty() {
    return minimum.isEmpty();
  }

  public void check(Caller c) {
    if (minimum.isEmpty()) return;
    ClientInfo ci = ClientInfo.parse(c.header("User-Agent"));
    check(ci, ci.tool(), ci.version());
    if ("docker-cli".equals(ci.upstreamTool())) check(ci, "docker-cli", ci.upstreamVersion());
  }

  private void check(ClientInfo ci, String tool, String version) {
    String min = minimum.get(tool);
    if (min == null || version == null || compare(version, min) >= 0) return;
    String known = tool.equals("docker-cli") && ClientInfo.generation(version) < 17
        ? " (docker CLIs 1.12/1.13 from CentOS/RHEL lose the login between CLI and a newer daemon, so pushes go out anonymously)" : "";
    throw new RegistryException(ErrorCode.DENIED,
        "client refused: " + tool + " " + version + " is older than " + min + ", the oldest this registry accepts" + known
            + "; upgrade it (seen as: " + ci.describe() + ")",
        ErrorDetail.reason("client_too_old").with("client", ci.describe()).with("tool", tool).with("version", version).with("minimum", min)
            .remedy("upgrade " + tool + " to " + min + " or newer"), 403, null);
  }

  /** Compares dotted numeric prefixes: 1.13.1 < 17.05 < 20.10.24. */
  static int compare(String a, String b) {
    String[] x = a.replaceAll("^v", "").split("[^0-9]+");
    String[] y = b.split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int xi = i < x.length && !x[i].isEmpty() ? Integer.parseInt(x[i]) : 0;
      int yi = i < y.length ? Integer.parseInt(y[i]) : 0;
      if (xi != yi) return Integer.compare(xi, yi);
    }
    return 0;
  }
}
