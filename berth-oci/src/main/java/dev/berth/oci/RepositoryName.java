package dev.berth.oci;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.util.List;

/**
 * A repository name per the distribution-spec grammar: path components of lowercase
 * alphanumerics separated by {@code .}, {@code _}, {@code __} or runs of {@code -}, joined by
 * {@code /}. Multi-level names ({@code hoge/fuga/nyanyanya/scala}) are fine. A bad name is refused
 * with the rule it broke.
 */
public record RepositoryName(String value) implements Comparable<RepositoryName> {
  public static final int MAX_LENGTH = 255;
  /** The spec's component grammar, checked by hand in {@link #validComponent} (a regex here cost 5–10% of a request). */
  static final String COMPONENT_GRAMMAR = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";

  public RepositoryName {
    String why = violation(value);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  public static RepositoryName parse(String s) {
    String why = violation(s);
    if (why != null) {
      throw new RegistryException(
          ErrorCode.NAME_INVALID,
          "invalid repository name \"" + (s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s) + "\": " + why,
          ErrorDetail.reason("name_invalid").with("rule", "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)*"));
    }
    return new RepositoryName(s);
  }

  /** Returns why {@code s} is not a valid repository name, or null when it is. */
  public static String violation(String s) {
    if (s == null || s.isEmpty()) {
      return "the name is empty";
    }
    if (s.length() > MAX_LENGTH) {
      return "it is " + s.length() + " characters long; at most " + MAX_LENGTH + " are allowed";
    }
    if (s.startsWith("/") || s.endsWith("/")) {
      return "it may not start or end with '/'";
    }
    for (int start = 0; start <= s.length(); ) {
      int slash = s.indexOf('/', start);
      int end = slash < 0 ? s.length() : slash;
      if (end == start) {
        return "it has an empty path component ('//')";
      }
      String why = validComponent(s, start, end) ? null : componentViolation(s.substring(start, end));
      if (why != null) return why;
      start = end + 1;
    }
    return null;
  }

  /** {@code s[from, to)} matches {@link #COMPONENT_GRAMMAR}. */
  static boolean validComponent(String s, int from, int to) {
    int i = from;
    while (true) {
      int alnum = i;
      while (i < to && isAlnum(s.charAt(i))) i++;
      if (i == alnum) return false; // every run of separators is between alphanumerics
      if (i == to) return true;
      char sep = s.charAt(i++);
      if (sep == '_') {
        if (i < to && s.charAt(i) == '_') i++;
      } else if (sep == '-') {
        while (i < to && s.charAt(i) == '-') i++;
      } else if (sep != '.') {
        return false;
      }
    }
  }

  private static boolean isAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static String componentViolation(String p) {
    if (!p.equals(p.toLowerCase(java.util.Locale.ROOT))) {
      return "component \"" + p + "\" has uppercase letters; repository names are lowercase";
    }
    if (!Character.isLetterOrDigit(p.charAt(0)) || !Character.isLetterOrDigit(p.charAt(p.length() - 1))) {
      return "component \"" + p + "\" must start and end with a lowercase letter or digit";
    }
    return "component \"" + p + "\" may contain only a-z, 0-9 and the separators '.', '_', '__' or '-'";
  }

  public List<String> components() {
    return List.of(value.split("/"));
  }

  @Override
  public String toString() {
    return value;
  }

  @Override
  public int compareTo(RepositoryName o) {
    return value.compareTo(o.value);
  }
}
