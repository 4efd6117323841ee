package dev.berth.doctor.env;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool version as printed ("20.10.24+dfsg1", "v0.10.4", "17.0.15+6-Debian", "1.13.1"): its
 * numeric components, compared numerically, and whatever follows as a qualifier (ignored when
 * comparing, kept for display).
 */
public record Version(List<Integer> parts, String qualifier, String raw) implements Comparable<Version> {
  private static final Pattern NUM = Pattern.compile("v?(\\d+(?:\\.\\d+)*)([^\\s,;()]*)");

  /** The first version-looking token in {@code s}, or null. */
  public static Version parse(String s) {
    if (s == null) return null;
    Matcher m = NUM.matcher(s.trim());
    if (!m.find()) return null;
    List<Integer> ps = new ArrayList<>();
    for (String p : m.group(1).split("\\.")) {
      try {
        ps.add(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        ps.add(Integer.MAX_VALUE);
      }
    }
    return new Version(List.copyOf(ps), m.group(2), m.group(0));
  }

  public int part(int i) {
    return i < parts.size() ? parts.get(i) : 0;
  }

  public int major() {
    return part(0);
  }

  /**
   * Docker's release generation: 1.x (2016 and before) counts as 16, then the calendar majors
   * 17, 18, 19, 20 (20.10), 23, 24 … so that "four majors behind" means something across the
   * 2017 renumbering.
   */
  public int dockerGeneration() {
    return major() == 1 ? 16 : major();
  }

  @Override
  public int compareTo(Version o) {
    int n = Math.max(parts.size(), o.parts.size());
    for (int i = 0; i < n; i++) {
      int c = Integer.compare(part(i), o.part(i));
      if (c != 0) return c;
    }
    return 0;
  }

  /** The numeric part, e.g. "20.10.24" for "20.10.24+dfsg1". */
  public String numeric() {
    Matcher m = Pattern.compile("\\d+(?:\\.\\d+)*").matcher(raw);
    return m.find() ? m.group() : String.join(".", parts.stream().map(String::valueOf).toList());
  }

  @Override
  public String toString() {
    return raw;
  }
}
