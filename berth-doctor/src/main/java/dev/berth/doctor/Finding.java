package dev.berth.doctor;

import java.util.Objects;

/**
 * One thing the doctor found, in the order a person reads it: what is wrong ({@code title}), the
 * evidence that shows it, why it matters, and how to fix it.
 *
 * @param id a stable identifier, e.g. {@code env.docker.client.version} or {@code dockerfile.distro-docker}
 * @param severity NOTE, WARNING or ERROR
 * @param title what is wrong, one line
 * @param evidence what was seen (versions, the offending line, the log line); may be multi-line
 * @param why why it matters
 * @param fix how to fix it
 * @param location {@code file:line}, or null when the finding is about the machine
 */
public record Finding(String id, Severity severity, String title, String evidence, String why, String fix, String location) {
  public Finding {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(title, "title");
    evidence = evidence == null ? "" : evidence;
    why = why == null ? "" : why;
    fix = fix == null ? "" : fix;
  }

  public static Builder of(String id, Severity severity, String title) {
    return new Builder(id, severity, title);
  }

  /** Fluent construction, since most findings are built in several steps. */
  public static final class Builder {
    private final String id;
    private final Severity severity;
    private final String title;
    private String evidence = "";
    private String why = "";
    private String fix = "";
    private String location;

    private Builder(String id, Severity severity, String title) {
      this.id = id;
      this.severity = severity;
      this.title = title;
    }

    public Builder evidence(String e) {
      this.evidence = e;
      return this;
    }

    public Builder why(String w) {
      this.why = w;
      return this;
    }

    public Builder fix(String f) {
      this.fix = f;
      return this;
    }

    public Builder at(String file, int line) {
      this.location = line > 0 ? file + ":" + line : file;
      return this;
    }

    public Builder location(String loc) {
      this.location = loc;
      return this;
    }

    public Finding build() {
      return new Finding(id, severity, title, evidence, why, fix, location);
    }
  }
}
