package dev.berth.client.build;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile, parsed as docker does: parser directives at the top ({@code # escape=`} is
 * honoured, the others are ignored), comment lines, line continuations (also across comment and
 * empty lines), one instruction per logical line. Arguments are kept raw: variables are expanded
 * when the build reaches an instruction, because {@code ARG} and {@code ENV} change them.
 */
public final class Dockerfile {
  private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9_-]*)\\s*=\\s*(.+?)\\s*$");

  /** One instruction: its keyword (upper case), the raw text after it, and where it starts. */
  public record Instruction(String file, int line, String keyword, String args) {
    /** The instruction as written, for history entries and messages. */
    public String text() {
      return keyword + " " + args;
    }
  }

  private final String file;
  private final List<Instruction> instructions;

  private Dockerfile(String file, List<Instruction> instructions) {
    this.file = file;
    this.instructions = instructions;
  }

  public String file() {
    return file;
  }

  public List<Instruction> instructions() {
    return instructions;
  }

  public static Dockerfile parse(String text, String file) {
    String[] lines = text.replace("\r\n", "\n").split("\n", -1);
    char escape = '\\';
    int i = 0;
    // Parser directives: only at the very top, before any comment, blank line or instruction.
    while (i < lines.length) {
      Matcher m = DIRECTIVE.matcher(lines[i].strip());
      if (!m.matches()) break;
      if (m.group(1).equalsIgnoreCase("escape")) {
        String v = m.group(2);
        if (!v.equals("\\") && !v.equals("`")) throw error(file, i + 1, "the escape directive must be \\ or `, not " + v, null);
        escape = v.charAt(0);
      }
      i++;
    }
    List<Instruction> out = new ArrayList<>();
    StringBuilder cur = null;
    int start = 0;
    for (; i < lines.length; i++) {
      String line = lines[i];
      String stripped = line.strip();
      if (stripped.startsWith("#")) continue;
      if (cur == null) {
        if (stripped.isEmpty()) continue;
        cur = new StringBuilder();
        start = i + 1;
      } else if (stripped.isEmpty()) {
        continue; // empty continuation lines are skipped, as docker does
      }
      String body = line.stripTrailing();
      if (!body.isEmpty() && body.charAt(body.length() - 1) == escape) {
        cur.append(body, 0, body.length() - 1);
        continue;
      }
      cur.append(body);
      out.add(instruction(file, start, cur.toString()));
      cur = null;
    }
    if (cur != null && !cur.toString().isBlank()) out.add(instruction(file, start, cur.toString()));
    if (out.isEmpty()) throw error(file, 1, "the Dockerfile has no instructions", "start it with FROM IMAGE (or FROM scratch)");
    return new Dockerfile(file, List.copyOf(out));
  }

  private static Instruction instruction(String file, int line, String text) {
    String t = text.strip();
    int sp = 0;
    while (sp < t.length() && !Character.isWhitespace(t.charAt(sp))) sp++;
    String keyword = t.substring(0, sp).toUpperCase(Locale.ROOT);
    if (!keyword.matches("[A-Z]+")) throw error(file, line, "\"" + t.substring(0, sp) + "\" is not an instruction", null);
    return new Instruction(file, line, keyword, t.substring(sp).strip());
  }

  static ClientException error(String file, int line, String why, String fix) {
    return ClientException.of(Category.USAGE, "build " + file + ", line " + line, why, fix);
  }

  static ClientException error(Instruction in, String why, String fix) {
    return error(in.file(), in.line(), in.keyword() + ": " + why, fix);
  }

  /**
   * Splits into words as docker's shell-word processing does: whitespace separates, single quotes
   * are literal, double quotes group and still expand, a backslash escapes the next character.
   * With {@code vars} non-null, {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}} and
   * {@code ${VAR:+alternative}} are replaced (unset variables become empty).
   */
  public static List<String> words(String s, Map<String, String> vars) {
    return process(s, vars, true);
  }

  /** One word: like {@link #words} but whitespace is kept. */
  public static String word(String s, Map<String, String> vars) {
    List<String> w = process(s, vars, false);
    return w.isEmpty() ? "" : w.get(0);
  }

  private static List<String> process(String s, Map<String, String> vars, boolean split) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    boolean quoted = false;
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (split && Character.isWhitespace(c)) {
        if (inWord && (quoted || !w.isEmpty())) out.add(w.toString()); // an unquoted word that expands to nothing is no word
        w.setLength(0);
        inWord = false;
        quoted = false;
        i++;
        continue;
      }
      inWord = true;
      if (c == '\'' || c == '"') quoted = true;
      if (c == '\'') {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) throw new IllegalArgumentException("unmatched single quote in: " + s);
        w.append(s, i + 1, end);
        i = end + 1;
      } else if (c == '"') {
        i++;
        while (i < s.length() && s.charAt(i) != '"') {
          char d = s.charAt(i);
          if (d == '\\' && i + 1 < s.length() && "\"$\\".indexOf(s.charAt(i + 1)) >= 0) {
            w.append(s.charAt(i + 1));
            i += 2;
          } else if (d == '$' && vars != null) {
            i = variable(s, i, vars, w);
          } else {
            w.append(d);
            i++;
          }
        }
        if (i >= s.length()) throw new IllegalArgumentException("unmatched double quote in: " + s);
        i++;
      } else if (c == '\\' && i + 1 < s.length()) {
        w.append(s.charAt(i + 1));
        i += 2;
      } else if (c == '$' && vars != null) {
        i = variable(s, i, vars, w);
      } else {
        w.append(c);
        i++;
      }
    }
    if ((inWord && (quoted || !w.isEmpty())) || !split) out.add(w.toString());
    return out;
  }

  private static int variable(String s, int i, Map<String, String> vars, StringBuilder w) {
    int j = i + 1;
    if (j < s.length() && s.charAt(j) == '{') {
      int end = s.indexOf('}', j);
      if (end < 0) throw new IllegalArgumentException("missing } in: " + s);
      String expr = s.substring(j + 1, end);
      int op = expr.indexOf(':');
      String name = op < 0 ? expr : expr.substring(0, op);
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("bad variable ${" + expr + "} in: " + s);
      String v = vars.get(name);
      if (op < 0) {
        w.append(v == null ? "" : v);
      } else {
        String rest = expr.substring(op + 1);
        if (rest.startsWith("-")) w.append(v == null || v.isEmpty() ? word(rest.substring(1), vars) : v);
        else if (rest.startsWith("+")) w.append(v == null || v.isEmpty() ? "" : word(rest.substring(1), vars));
        else throw new IllegalArgumentException("unsupported modifier in ${" + expr + "}: only :- and :+ are");
      }
      return end + 1;
    }
    int k = j;
    while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_')) k++;
    if (k == j) {
      w.append('$');
      return j;
    }
    String v = vars.get(s.substring(j, k));
    w.append(v == null ? "" : v);
    return k;
  }
}
