package dev.berth.client.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code .dockerignore}: one pattern a line (Go {@code filepath.Match} syntax plus {@code **}),
 * {@code #} comments, {@code !} exceptions; the last pattern that matches a path (or one of its
 * parent directories) decides.
 */
public final class DockerIgnore {
  private record Rule(Pattern pattern, boolean exception) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  public static DockerIgnore of(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : lines) {
      String l = raw.strip();
      if (l.isEmpty() || l.startsWith("#")) continue;
      boolean exception = l.startsWith("!");
      if (exception) l = l.substring(1).strip();
      l = clean(l);
      if (l.isEmpty()) continue;
      rules.add(new Rule(Pattern.compile(regex(l)), exception));
    }
    return new DockerIgnore(rules);
  }

  public static DockerIgnore read(Path context) throws IOException {
    Path f = context.resolve(".dockerignore");
    return of(Files.isRegularFile(f) ? Files.readAllLines(f) : List.of());
  }

  /** Whether a context-relative path ({@code a/b/c}, forward slashes) is excluded. */
  public boolean ignored(String path) {
    boolean ignored = false;
    for (Rule r : rules) {
      if (matches(r.pattern, path)) ignored = !r.exception;
    }
    return ignored;
  }

  private static boolean matches(Pattern p, String path) {
    if (p.matcher(path).matches()) return true;
    for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) {
      if (p.matcher(path.substring(0, i)).matches()) return true;
    }
    return false;
  }

  private static String clean(String p) {
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) {
        if (!parts.isEmpty()) parts.remove(parts.size() - 1);
        continue;
      }
      parts.add(s);
    }
    return String.join("/", parts);
  }

  /** Go filepath.Match syntax (with {@code **} for any number of directories) as a Java regex. */
  static String regex(String pattern) {
    StringBuilder r = new StringBuilder();
    int i = 0;
    while (i < pattern.length()) {
      char c = pattern.charAt(i);
      if (c == '*') {
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i += 2;
          if (i < pattern.length() && pattern.charAt(i) == '/') {
            r.append("(?:.*/)?");
            i++;
          } else {
            r.append(".*");
          }
          continue;
        }
        r.append("[^/]*");
      } else if (c == '?') {
        r.append("[^/]");
      } else if (c == '[') {
        int end = pattern.indexOf(']', i + 1);
        if (end < 0) throw new IllegalArgumentException(".dockerignore: bad pattern (unclosed [): " + pattern);
        String cls = pattern.substring(i + 1, end);
        r.append('[');
        if (cls.startsWith("^")) {
          r.append('^');
          cls = cls.substring(1);
        }
        for (char d : cls.toCharArray()) {
          if (d == '-') r.append('-');
          else if (d == '\\' || d == '[' || d == ']' || d == '&' || d == '^') r.append('\\').append(d);
          else r.append(d);
        }
        r.append(']');
        i = end;
      } else if (c == '\\' && i + 1 < pattern.length()) {
        r.append(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
        i++;
      } else {
        r.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    return r.toString();
  }
}
