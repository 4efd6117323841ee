package dev.berth.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects measurements, prints a JSON line for each as it comes and a table at the end. */
final class Report {
  private final PrintStream out;
  private final Path json;
  private final String labelA;
  private final String labelB;
  private final Map<String, List<Measurement>> a = new LinkedHashMap<>();
  private final Map<String, List<Measurement>> b = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Measurement> limits = new ArrayList<>();

  Report(PrintStream out, Path json, String labelA, String labelB) {
    this.out = out;
    this.json = json;
    this.labelA = labelA;
    this.labelB = labelB;
  }

  synchronized void add(String target, String url, int round, Measurement m) {
    if (target.equals("limit")) limits.add(m);
    else (target.equals("B") ? b : a).computeIfAbsent(m.figure(), k -> new ArrayList<>()).add(m);
    if (target.equals("A")) b.computeIfAbsent(m.figure(), k -> new ArrayList<>());
    String label = target.equals("B") ? labelB : target.equals("A") ? labelA : target;
    line(String.format(Locale.ROOT,
        "{\"type\":\"sample\",\"figure\":%s,\"registry\":%s,\"url\":%s,\"round\":%d,\"value\":%s,\"unit\":%s,"
            + "\"p50_ms\":%s,\"p99_ms\":%s,\"work\":%s,\"work_unit\":%s,\"server_cpu_ms\":%s,\"server_cpu_ms_per_unit\":%s,\"rss_peak_mib\":%s}",
        q(m.figure()), q(label), q(url), round, num(m.value()), q(m.unit()), num(m.p50ms()), num(m.p99ms()),
        num(m.work()), q(m.workUnit()), num(m.serverCpuMs()), num(m.cpuPerWork()), num(m.rssPeakMib())));
    System.err.printf(Locale.ROOT, "  %-34s %-6s r%d %12s %-8s%s%s%n", m.figure(), label, round, fmt(m.value()), m.unit(),
        m.p99ms() >= 0 ? "  p50 " + fmt(m.p50ms()) + " ms p99 " + fmt(m.p99ms()) + " ms" : "",
        m.cpuPerWork() >= 0 ? "  server " + fmt(m.cpuPerWork()) + " ms CPU/" + m.workUnit() : "");
  }

  synchronized void note(String n) {
    notes.add(n);
    System.err.println("  " + n);
  }

  private void line(String s) {
    out.println(s);
    out.flush();
    if (json != null) {
      try {
        Files.writeString(json, s + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** The summary: medians, the A/B ratio per round (median and min–max), CPU per unit. */
  synchronized void table(boolean compare) {
    List<String[]> rows = new ArrayList<>();
    if (compare) {
      rows.add(new String[] {"figure", "unit", labelA, labelB, labelA + "/" + labelB + " (spread)", "p99 ms " + labelA, "p99 ms " + labelB,
          "CPU/unit " + labelA, "CPU/unit " + labelB, "CPU " + labelB + "/" + labelA, "RSS MiB " + labelA, "RSS MiB " + labelB, "target"});
    } else {
      rows.add(new String[] {"figure", "unit", labelA, "min–max", "p50 ms", "p99 ms", "server CPU/unit", "RSS MiB", "target"});
    }
    for (var e : a.entrySet()) {
      List<Measurement> ma = e.getValue();
      List<Measurement> mb = b.getOrDefault(e.getKey(), List.of());
      if (ma.isEmpty()) continue;
      Measurement f = ma.get(0);
      double va = median(ma.stream().mapToDouble(Measurement::value).toArray());
      if (compare) {
        double vb = median(mb.stream().mapToDouble(Measurement::value).toArray());
        int n = Math.min(ma.size(), mb.size());
        double[] ratios = new double[n];
        double[] cpuRatios = new double[n];
        boolean cpu = true;
        for (int i = 0; i < n; i++) {
          double x = ma.get(i).value();
          double y = mb.get(i).value();
          ratios[i] = f.higherBetter() ? x / y : y / x;
          double ca = ma.get(i).cpuPerWork();
          double cb = mb.get(i).cpuPerWork();
          if (ca <= 0 || cb < 0) cpu = false;
          else cpuRatios[i] = cb / ca;
        }
        rows.add(new String[] {f.figure(), f.unit(), fmt(va), fmt(vb),
            n == 0 ? "-" : fmt(median(ratios)) + "× (" + fmt(min(ratios)) + "–" + fmt(max(ratios)) + ")",
            p99(ma), p99(mb), cpuCol(ma), cpuCol(mb),
            cpu && n > 0 ? fmt(median(cpuRatios)) + "× (" + fmt(min(cpuRatios)) + "–" + fmt(max(cpuRatios)) + ")" : "-",
            rss(ma), rss(mb), f.target()});
      } else {
        double[] v = ma.stream().mapToDouble(Measurement::value).toArray();
        rows.add(new String[] {f.figure(), f.unit(), fmt(va), fmt(min(v)) + "–" + fmt(max(v)),
            f.p50ms() >= 0 ? fmt(median(ma.stream().mapToDouble(Measurement::p50ms).toArray())) : "-", p99(ma),
            cpuCol(ma), rss(ma), f.target()});
      }
      if (compare && !mb.isEmpty()) {
        double vb = median(mb.stream().mapToDouble(Measurement::value).toArray());
        int n = Math.min(ma.size(), mb.size());
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
          ratios[i] = f.higherBetter() ? ma.get(i).value() / mb.get(i).value() : mb.get(i).value() / ma.get(i).value();
        }
        line(String.format(Locale.ROOT,
            "{\"type\":\"summary\",\"figure\":%s,\"unit\":%s,\"a\":%s,\"b\":%s,\"a_label\":%s,\"b_label\":%s,\"ratio\":%s,\"ratio_min\":%s,\"ratio_max\":%s,"
                + "\"a_cpu_per_unit\":%s,\"b_cpu_per_unit\":%s,\"work_unit\":%s,\"rounds\":%d}",
            q(f.figure()), q(f.unit()), num(va), num(vb), q(labelA), q(labelB), num(median(ratios)), num(min(ratios)), num(max(ratios)),
            num(median(ma.stream().mapToDouble(Measurement::cpuPerWork).toArray())),
            num(median(mb.stream().mapToDouble(Measurement::cpuPerWork).toArray())), q(f.workUnit()), n));
      }
    }
    if (!limits.isEmpty()) {
      out.println();
      out.println("Physical limits of this machine:");
      for (Measurement m : limits) out.printf(Locale.ROOT, "  %-32s %10s %s%n", m.figure(), fmt(m.value()), m.unit());
    }
    int[] w = new int[rows.get(0).length];
    for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
    out.println();
    for (int j = 0; j < rows.size(); j++) {
      String[] r = rows.get(j);
      StringBuilder sb = new StringBuilder("| ");
      for (int i = 0; i < r.length; i++) sb.append(pad(r[i], w[i])).append(" | ");
      out.println(sb.toString().stripTrailing());
      if (j == 0) {
        StringBuilder sep = new StringBuilder("|");
        for (int x : w) sep.append("-".repeat(x + 2)).append('|');
        out.println(sep);
      }
    }
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(n -> out.println("- " + n));
    }
    out.flush();
  }

  private static String p99(List<Measurement> ms) {
    double[] v = ms.stream().mapToDouble(Measurement::p99ms).filter(x -> x >= 0).toArray();
    return v.length == 0 ? "-" : fmt(median(v));
  }

  private static String cpuCol(List<Measurement> ms) {
    if (ms.isEmpty()) return "-";
    double[] v = ms.stream().mapToDouble(Measurement::cpuPerWork).filter(x -> x >= 0).toArray();
    return v.length == 0 ? "-" : fmt(median(v)) + " ms/" + ms.get(0).workUnit();
  }

  private static String rss(List<Measurement> ms) {
    double[] v = ms.stream().mapToDouble(Measurement::rssPeakMib).filter(x -> x >= 0).toArray();
    return v.length == 0 ? "-" : fmt(max(v));
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(Math.max(0, w - s.length()));
  }

  static double median(double[] v) {
    if (v.length == 0) return -1;
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(-1);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(-1);
  }

  static String fmt(double v) {
    if (v < 0) return "-";
    if (v >= 1000) return String.format(Locale.ROOT, "%.0f", v);
    if (v >= 100) return String.format(Locale.ROOT, "%.1f", v);
    if (v >= 10) return String.format(Locale.ROOT, "%.2f", v);
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "null";
  }

  static String q(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : (s == null ? "" : s).toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
