package dev.berth.doctor.env;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The environment lock file ({@code berth-env.lock}, meant to be committed): one {@code key = value}
 * per line, {@code #} starts a comment. A value is either what was recorded (drift from it is
 * graded by how far it is) or, for version keys, a requirement in Maven enforcer range syntax or
 * comparisons ({@code [20.10,21)}, {@code >=20.10}, {@code 24.0.*}); {@code *} means "must be
 * present, any value". Keys that are not in the file are not checked. See docs/doctor.md.
 */
public final class EnvLock {
  public static final String HEADER = "# berth doctor env lock v1";

  /** Facts that belong to one machine or one job and are not worth locking. */
  static final Set<String> NOT_LOCKED = Set.of("os.kernel", "docker.client.git_commit", "docker.server.git_commit",
      "docker.server.error", "docker.client.error", "docker.client.api_negotiated", "java.home", "sbt.launcher", "docker.config.file", "docker.config.auths",
      "os.distro.pretty", "docker.server.operating_system");

  private final Map<String, String> entries;
  private final Map<String, Integer> lines;

  private EnvLock(Map<String, String> entries, Map<String, Integer> lines) {
    this.entries = entries;
    this.lines = lines;
  }

  public Map<String, String> entries() {
    return entries;
  }

  /** 1-based line of a key in the file it was read from, or 0. */
  public int line(String key) {
    return lines.getOrDefault(key, 0);
  }

  public static EnvLock of(Map<String, String> entries) {
    return new EnvLock(new LinkedHashMap<>(entries), Map.of());
  }

  public static EnvLock read(Path file) throws IOException {
    return parse(Files.readString(file));
  }

  public static EnvLock parse(String text) {
    Map<String, String> e = new LinkedHashMap<>();
    Map<String, Integer> l = new LinkedHashMap<>();
    int n = 0;
    for (String raw : text.split("\n", -1)) {
      n++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("line " + n + ": expected key = value, got \"" + line + "\"");
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      int hash = value.indexOf(" #");
      if (hash >= 0) value = value.substring(0, hash).strip();
      e.put(key, value);
      l.put(key, n);
    }
    return new EnvLock(e, l);
  }

  /** The lock text for a snapshot: every lockable fact, grouped by tool. */
  public static String render(EnvSnapshot s, String recordedOn) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    b.append("# recorded ").append(Instant.now().toString(), 0, 19).append("Z");
    if (recordedOn != null) b.append(" on ").append(recordedOn);
    b.append('\n');
    b.append("# Check with: berth doctor env --check FILE. A version value may be a range: [20.10,21)  >=20.10  24.0.*\n");
    b.append("# Delete a line to stop checking it; '*' means: must be present, any value.\n");
    String group = null;
    for (var en : s.asMap().entrySet()) {
      if (NOT_LOCKED.contains(en.getKey())) continue;
      String g = en.getKey().split("\\.")[0];
      if (!g.equals(group)) {
        b.append('\n');
        group = g;
      }
      b.append(en.getKey()).append(" = ").append(en.getValue()).append('\n');
    }
    return b.toString();
  }

  public static List<String> keys(EnvLock lock) {
    return new ArrayList<>(lock.entries.keySet());
  }
}
