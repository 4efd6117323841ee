package dev.berth.doctor.env;

import java.util.ArrayList;
import java.util.List;

/**
 * A version requirement as written in an environment lock, with Maven enforcer's range syntax
 * ({@code [20.10,21)}, {@code [1.8,)}, {@code (,1.0]}, {@code (,1.1),(1.1,)}, {@code [24.0.7]} for
 * exactly) and the comparison forms {@code >=20.10}, {@code >20}, {@code <=25}, {@code <25},
 * {@code =24.0.7}; several comparisons separated by spaces must all hold. {@code 20.10.*} means
 * any version starting with 20.10.
 */
public final class VersionRange {
  private record Bound(Version v, boolean inclusive) {}

  private record Interval(Bound lower, Bound upper) {
    boolean contains(Version x) {
      if (lower != null) {
        int c = x.compareTo(lower.v);
        if (c < 0 || (c == 0 && !lower.inclusive)) return false;
      }
      if (upper != null) {
        int c = x.compareTo(upper.v);
        if (c > 0 || (c == 0 && !upper.inclusive)) return false;
      }
      return true;
    }
  }

  private final String text;
  private final List<Interval> anyOf;
  private final boolean allOf;

  private VersionRange(String text, List<Interval> intervals, boolean allOf) {
    this.text = text;
    this.anyOf = intervals;
    this.allOf = allOf;
  }

  /** Whether {@code value} is written as a range or comparison rather than a plain recorded version. */
  public static boolean isRange(String value) {
    String v = value.trim();
    return v.startsWith("[") || v.startsWith("(") || v.startsWith(">") || v.startsWith("<") || v.startsWith("=") || v.endsWith(".*");
  }

  public static VersionRange parse(String spec) {
    String s = spec.trim();
    if (s.endsWith(".*")) {
      Version base = need(s.substring(0, s.length() - 2), spec);
      List<Integer> up = new ArrayList<>(base.parts());
      up.set(up.size() - 1, up.get(up.size() - 1) + 1);
      Version upper = new Version(List.copyOf(up), "", String.join(".", up.stream().map(String::valueOf).toList()));
      return new VersionRange(spec, List.of(new Interval(new Bound(base, true), new Bound(upper, false))), false);
    }
    if (s.startsWith(">") || s.startsWith("<") || s.startsWith("=")) {
      List<Interval> all = new ArrayList<>();
      for (String part : s.split("\\s+|,")) {
        if (part.isBlank()) continue;
        String op = part.replaceAll("^([<>=]+).*$", "$1");
        Version v = need(part.substring(op.length()), spec);
        all.add(switch (op) {
          case ">=" -> new Interval(new Bound(v, true), null);
          case ">" -> new Interval(new Bound(v, false), null);
          case "<=" -> new Interval(null, new Bound(v, true));
          case "<" -> new Interval(null, new Bound(v, false));
          case "=", "==" -> new Interval(new Bound(v, true), new Bound(v, true));
          default -> throw new IllegalArgumentException("bad comparison \"" + part + "\" in \"" + spec + "\"");
        });
      }
      return new VersionRange(spec, all, true);
    }
    List<Interval> any = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      char open = s.charAt(i);
      if (open == ',' || Character.isWhitespace(open)) {
        i++;
        continue;
      }
      if (open != '[' && open != '(') throw new IllegalArgumentException("bad version range \"" + spec + "\": expected [ or (");
      int close = indexOfAny(s, i + 1);
      if (close < 0) throw new IllegalArgumentException("bad version range \"" + spec + "\": missing ] or )");
      String inner = s.substring(i + 1, close);
      boolean lowIncl = open == '[';
      boolean upIncl = s.charAt(close) == ']';
      int comma = inner.indexOf(',');
      if (comma < 0) {
        if (!lowIncl || !upIncl) throw new IllegalArgumentException("bad version range \"" + spec + "\": a single version needs [v]");
        Version v = need(inner, spec);
        any.add(new Interval(new Bound(v, true), new Bound(v, true)));
      } else {
        String lo = inner.substring(0, comma).trim();
        String hi = inner.substring(comma + 1).trim();
        any.add(new Interval(lo.isEmpty() ? null : new Bound(need(lo, spec), lowIncl), hi.isEmpty() ? null : new Bound(need(hi, spec), upIncl)));
      }
      i = close + 1;
    }
    if (any.isEmpty()) throw new IllegalArgumentException("empty version range \"" + spec + "\"");
    return new VersionRange(spec, any, false);
  }

  private static int indexOfAny(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) == ']' || s.charAt(i) == ')') return i;
    }
    return -1;
  }

  private static Version need(String s, String spec) {
    Version v = Version.parse(s);
    if (v == null) throw new IllegalArgumentException("no version in \"" + s + "\" of \"" + spec + "\"");
    return v;
  }

  public boolean contains(Version v) {
    if (allOf) return anyOf.stream().allMatch(i -> i.contains(v));
    return anyOf.stream().anyMatch(i -> i.contains(v));
  }

  @Override
  public String toString() {
    return text;
  }
}
