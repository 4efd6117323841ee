package dev.berth.doctor;

import java.util.Locale;

/** How bad a finding is. Ordered: NOTE &lt; WARNING &lt; ERROR. */
public enum Severity {
  NOTE, WARNING, ERROR;

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  public static Severity parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "note", "info" -> NOTE;
      case "warning", "warn" -> WARNING;
      case "error", "err" -> ERROR;
      default -> throw new IllegalArgumentException("unknown severity \"" + s + "\" (use note, warning or error)");
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
