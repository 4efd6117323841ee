package dev.berth.doctor.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One known failure: the log lines that show it ({@code triggers}), what else in the log makes it
 * more or less likely ({@code evidence}, weighted), its cause and fix, the hop that failed, and the
 * ci-failures.md entry it comes from. Several signatures may share a trigger (one error text, several
 * causes); the evidence ranks them.
 *
 * @param id stable id, e.g. {@code credentials-dropped-client-daemon}
 * @param title what failed, one line
 * @param hop which hop failed: client → daemon, daemon → token service, registry, proxy, TLS, network, daemon, build
 * @param catalogue the ci-failures.md reference, e.g. "§1, entry 1"
 * @param prior base score when a trigger matches (how often this cause is the right one)
 * @param triggers patterns over single log lines; any match makes this a candidate
 * @param evidence patterns anywhere in the log that raise (or lower) the score
 * @param cause why it happens
 * @param fix what to do
 * @param extract optional pattern with named groups over the trigger line, reported as facts (principal, reason, versions)
 */
public record Signature(String id, String title, String hop, String catalogue, int prior, List<Pattern> triggers, List<Evidence> evidence,
    String cause, String fix, Pattern extract) {

  /** A clue: when {@code pattern} occurs anywhere in the log, add {@code weight} (may be negative) because {@code meaning}. */
  public record Evidence(Pattern pattern, int weight, String meaning) {}

  public static Builder sig(String id) {
    return new Builder(id);
  }

  /** Builder that keeps the catalogue readable as data. */
  public static final class Builder {
    private final String id;
    private String title;
    private String hop;
    private String catalogue;
    private int prior = 1;
    private final List<Pattern> triggers = new ArrayList<>();
    private final List<Evidence> evidence = new ArrayList<>();
    private String cause;
    private String fix;
    private Pattern extract;

    private Builder(String id) {
      this.id = id;
    }

    public Builder title(String t) {
      title = t;
      return this;
    }

    public Builder hop(String h) {
      hop = h;
      return this;
    }

    public Builder ref(String r) {
      catalogue = r;
      return this;
    }

    public Builder prior(int p) {
      prior = p;
      return this;
    }

    public Builder on(String... regexes) {
      for (String r : regexes) triggers.add(Pattern.compile(r, Pattern.CASE_INSENSITIVE));
      return this;
    }

    public Builder ev(int weight, String regex, String meaning) {
      evidence.add(new Evidence(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), weight, meaning));
      return this;
    }

    public Builder cause(String c) {
      cause = c;
      return this;
    }

    public Builder fix(String f) {
      fix = f;
      return this;
    }

    public Builder extract(String regex) {
      extract = Pattern.compile(regex);
      return this;
    }

    public Signature build() {
      if (title == null || hop == null || catalogue == null || cause == null || fix == null || triggers.isEmpty()) {
        throw new IllegalStateException("signature " + id + " is incomplete");
      }
      return new Signature(id, title, hop, catalogue, prior, List.copyOf(triggers), List.copyOf(evidence), cause, fix, extract);
    }
  }
}
