package dev.berth.doctor.explain;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a CI job log and names each known failure in it: every signature whose trigger matches a
 * line becomes a candidate, scored by its prior plus the evidence found anywhere in the log;
 * candidates for the same log line are ranked. Berth's own messages already carry the
 * explanation; for those the principal and reason are extracted.
 */
public final class Explainer {
  private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
  private static final int MAX_CANDIDATES_PER_LINE = 3;

  private final List<Signature> catalogue;

  public Explainer() {
    this(Catalogue.ALL);
  }

  public Explainer(List<Signature> catalogue) {
    this.catalogue = catalogue;
  }

  public List<Diagnosis> explain(String log) {
    // skopeo/podman print errors as logfmt msg="…" with \" and \n escapes: read them as the text they stand for
    String clean = ANSI.matcher(log.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("").replace("\\\"", "\"").replace("\\n\\t", " ");
    String[] lines = clean.split("\n", -1);
    List<Diagnosis> raw = new ArrayList<>();
    for (Signature s : catalogue) {
      int first = -1;
      int count = 0;
      for (int i = 0; i < lines.length; i++) {
        String l = lines[i];
        if (l.length() > 4000) l = l.substring(0, 4000);
        for (Pattern p : s.triggers()) {
          if (p.matcher(l).find()) {
            if (first < 0) first = i;
            count++;
            break;
          }
        }
      }
      if (first < 0) continue;
      int score = s.prior();
      List<String> clues = new ArrayList<>();
      for (Signature.Evidence e : s.evidence()) {
        int at = find(e.pattern(), lines, clean);
        if (at >= 0) {
          score += e.weight();
          clues.add((e.weight() >= 0 ? "+" : "") + e.weight() + " " + e.meaning() + " (line " + (at + 1) + ": " + abbreviate(lines[at].strip(), 120) + ")");
        }
      }
      Map<String, String> facts = new LinkedHashMap<>();
      if (s.extract() != null) {
        Matcher m = s.extract().matcher(lines[first]);
        if (m.find()) {
          for (String g : groupNames(s.extract())) {
            String v = m.group(g);
            if (v != null) facts.put(g, v.strip());
          }
        }
      }
      if (s.id().startsWith("berth-")) berthFacts(lines[first], facts);
      raw.add(new Diagnosis(s, first + 1, lines[first].strip(), count, score, clues, facts, 0));
    }
    // group by the log line they explain; rank inside each group
    Map<Integer, List<Diagnosis>> byLine = new LinkedHashMap<>();
    raw.sort(Comparator.comparingInt(Diagnosis::line));
    for (Diagnosis d : raw) byLine.computeIfAbsent(d.line(), k -> new ArrayList<>()).add(d);
    List<Diagnosis> out = new ArrayList<>();
    for (List<Diagnosis> group : byLine.values()) {
      group.sort(Comparator.comparingInt(Diagnosis::score).reversed().thenComparing(d -> d.signature().id()));
      for (int i = 0; i < group.size() && i < MAX_CANDIDATES_PER_LINE; i++) out.add(group.get(i).withRank(i + 1));
    }
    // most convincing failures first
    out.sort(Comparator.comparingInt(Diagnosis::rank).thenComparing(Comparator.comparingInt(Diagnosis::score).reversed()).thenComparingInt(Diagnosis::line));
    return out;
  }

  /** Principal and reason from berth's one-line explanations. */
  static void berthFacts(String line, Map<String, String> facts) {
    Matcher who = Pattern.compile("(CI token #\\d+ of user \"[^\"]+\"|(?:user|robot) \"[^\"]+\")").matcher(line);
    if (who.find()) facts.putIfAbsent("principal", who.group(1));
    else if (line.contains("anonymous") || line.contains("no credentials reached")) facts.putIfAbsent("principal", "anonymous");
    String reason = line.contains("no credentials reached") ? "no_credentials"
        : line.matches(".*has .* but not \\w+.*") ? "action_not_granted"
        : line.contains("has no grant on") ? "no_grant"
        : line.contains("is scoped to namespace") ? "token_scope"
        : line.contains("allows only") ? "token_action"
        : line.contains("wrong password") ? "wrong_password"
        : line.contains("there is no user") ? "unknown_user"
        : line.contains("no longer exists") ? "no_user"
        : line.contains("expired at") ? "token_expired"
        : line.contains("was revoked at") ? "token_revoked"
        : line.contains("too many failed logins") ? "login_throttled"
        : line.contains("needs a login") ? "no_credentials"
        : line.contains("before its password was changed") ? "password_changed" : null;
    if (reason != null) facts.putIfAbsent("reason", reason);
    Matcher grant = Pattern.compile("\\((grant #\\d+[^)]*)\\)").matcher(line);
    if (grant.find()) facts.putIfAbsent("rule", grant.group(1));
    Matcher remedy = Pattern.compile("(berth (?:grant|token create|user add|user passwd|namespace public)[^;]*)").matcher(line);
    if (remedy.find()) facts.putIfAbsent("command", remedy.group(1).strip());
  }

  /** First line where the pattern matches, or (for multi-line patterns) the line where the match starts; -1 when absent. */
  private static int find(Pattern p, String[] lines, String all) {
    for (int i = 0; i < lines.length; i++) {
      if (p.matcher(lines[i]).find()) return i;
    }
    if (p.pattern().contains("\\n")) {
      Matcher m = p.matcher(all);
      if (m.find()) {
        int line = 0;
        for (int i = 0; i < m.start(); i++) if (all.charAt(i) == '\n') line++;
        return line;
      }
    }
    return -1;
  }

  private static List<String> groupNames(Pattern p) {
    List<String> names = new ArrayList<>();
    Matcher m = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>").matcher(p.pattern());
    while (m.find()) names.add(m.group(1));
    return names;
  }

  static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }

  /** Findings for a report: the best candidate for each failing line is an error, the runners-up warnings. */
  public static List<Finding> findings(List<Diagnosis> ds, String source) {
    List<Finding> out = new ArrayList<>();
    Map<Integer, Integer> candidates = new LinkedHashMap<>();
    for (Diagnosis d : ds) candidates.merge(d.line(), 1, Integer::sum);
    for (Diagnosis d : ds) {
      Signature s = d.signature();
      int n = candidates.get(d.line());
      String rank = n > 1 ? (d.rank() == 1 ? " (most likely of " + n + " candidates)" : " (candidate " + d.rank() + " of " + n + ")") : "";
      StringBuilder ev = new StringBuilder("line ").append(d.line()).append(": ").append(abbreviate(d.text(), 400));
      if (d.occurrences() > 1) ev.append("\n(").append(d.occurrences()).append(" matching lines)");
      ev.append("\nfailing hop: ").append(s.hop()).append("; catalogue: ci-failures.md ").append(s.catalogue()).append("; score ").append(d.score());
      for (String c : d.clues()) ev.append("\n").append(c);
      if (!d.facts().isEmpty()) {
        ev.append("\nextracted: ");
        ev.append(String.join(", ", d.facts().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
      }
      String why = s.cause();
      if (s.id().startsWith("berth-")) why = "the registry (berth) already explained this: " + why;
      out.add(Finding.of("explain." + s.id(), d.rank() == 1 ? Severity.ERROR : Severity.WARNING, s.title() + rank)
          .evidence(ev.toString()).why(why).fix(s.fix()).at(source, d.line()).build());
    }
    return out;
  }
}
