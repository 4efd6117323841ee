package dev.berth.doctor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The findings of one doctor run, plus optional facts (e.g. the environment snapshot), rendered
 * for people (what is wrong → evidence → why it matters → how to fix) or as JSON for machines.
 */
public final class Report {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final String command;
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Object> facts = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  public Report(String command) {
    this.command = command;
  }

  public Report add(Finding f) {
    findings.add(f);
    return this;
  }

  public Report addAll(List<Finding> fs) {
    findings.addAll(fs);
    return this;
  }

  /** A fact shown in JSON under "facts" (and listed briefly in human output). */
  public Report fact(String key, Object value) {
    facts.put(key, value);
    return this;
  }

  /** A line of context for people, e.g. "read 3 files". */
  public Report note(String line) {
    notes.add(line);
    return this;
  }

  public List<Finding> findings() {
    return List.copyOf(findings);
  }

  public Map<String, Object> facts() {
    return Map.copyOf(facts);
  }

  /** Findings in reading order: most severe first, stable otherwise. */
  public List<Finding> sorted() {
    List<Finding> s = new ArrayList<>(findings);
    s.sort(Comparator.comparing(Finding::severity).reversed());
    return s;
  }

  public Severity worst() {
    return findings.stream().map(Finding::severity).max(Comparator.naturalOrder()).orElse(null);
  }

  /** 1 when a finding at or above {@code failOn} exists, else 0. */
  public int exitCode(Severity failOn) {
    Severity w = worst();
    return w != null && w.atLeast(failOn) ? 1 : 0;
  }

  public long count(Severity s) {
    return findings.stream().filter(f -> f.severity() == s).count();
  }

  public String human() {
    StringBuilder b = new StringBuilder();
    for (String n : notes) b.append(n).append('\n');
    if (!notes.isEmpty()) b.append('\n');
    List<Finding> s = sorted();
    for (Finding f : s) {
      b.append(f.severity().name()).append(' ').append(f.title());
      b.append("  [").append(f.id());
      if (f.location() != null) b.append(" @ ").append(f.location());
      b.append("]\n");
      block(b, "evidence", f.evidence());
      block(b, "why", f.why());
      block(b, "fix", f.fix());
      b.append('\n');
    }
    b.append(command).append(": ");
    if (s.isEmpty()) {
      b.append("no findings\n");
    } else {
      b.append(count(Severity.ERROR)).append(" error(s), ").append(count(Severity.WARNING)).append(" warning(s), ")
          .append(count(Severity.NOTE)).append(" note(s)\n");
    }
    return b.toString();
  }

  private static void block(StringBuilder b, String label, String text) {
    if (text == null || text.isBlank()) return;
    String pad = " ".repeat(label.length() + 4);
    String[] lines = text.strip().split("\n");
    b.append("  ").append(label).append(": ").append(lines[0]).append('\n');
    for (int i = 1; i < lines.length; i++) b.append(pad).append(lines[i]).append('\n');
  }

  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("command", command);
    Severity w = worst();
    root.put("worst", w == null ? null : w.label());
    ObjectNode counts = root.putObject("counts");
    for (Severity s : Severity.values()) counts.put(s.label(), count(s));
    ArrayNode arr = root.putArray("findings");
    for (Finding f : sorted()) {
      ObjectNode o = arr.addObject();
      o.put("id", f.id());
      o.put("severity", f.severity().label());
      o.put("title", f.title());
      o.put("evidence", f.evidence());
      o.put("why", f.why());
      o.put("fix", f.fix());
      o.put("location", f.location());
    }
    if (!facts.isEmpty()) root.set("facts", JSON.valueToTree(facts));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
