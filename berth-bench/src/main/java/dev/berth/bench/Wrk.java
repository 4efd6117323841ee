package dev.berth.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * wrk as the load generator for small requests, where the JDK client (about 0.25 ms of CPU a
 * request) would be the bottleneck on a small machine: plain GETs, and pushes driven by a Lua
 * script. wrk checks only status classes (the scripts check exact statuses); the JDK-client
 * figures check every digest.
 */
final class Wrk {
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in ([0-9.]+)(us|ms|s|m)");
  private static final Pattern PCT = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$", Pattern.MULTILINE);
  private static final Pattern NON2XX = Pattern.compile("Non-2xx or 3xx responses: ([0-9]+)");
  private static final Pattern SOCKERR = Pattern.compile("Socket errors: (.*)");

  /** {@code cpuMs}: wrk's own CPU time (user + system), or -1 where it cannot be read. */
  record Result(double rps, long requests, double p50ms, double p99ms, double cpuMs) {}

  private Wrk() {}

  static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Path.of(dir, "wrk"))) return true;
    }
    return false;
  }

  static Result run(URI url, String method, Map<String, String> headers, int connections, double seconds)
      throws IOException, InterruptedException {
    return script(url, "wrk.method = \"" + method + "\"\n", headers, Math.min(2, connections), connections, seconds, method + " " + url).http();
  }

  /** What a scripted run counted in its {@code done()}: {@value #UNITS} units=N errors=N ran_out=N. */
  record Scripted(Result http, long units, long errors, boolean ranOut, double seconds) {}

  static final String UNITS = "BERTH-BENCH";
  private static final Pattern SCRIPTED = Pattern.compile(UNITS + " units=([0-9]+) errors=([0-9]+) ran_out=([0-9]+)");

  /**
   * Runs a Lua script that builds its own requests (pushes, with a body per request) and prints
   * {@value #UNITS} counters from {@code done()}. Any error it counted, or any non-2xx answer,
   * fails the run.
   */
  static Scripted script(URI url, String lua, Map<String, String> headers, int threads, int connections,
      double seconds, String what) throws IOException, InterruptedException {
    Path script = Files.createTempFile("berth-bench-wrk", ".lua");
    try {
      Files.writeString(script, lua);
      // --timeout 30s: wrk's default (2 s) drops slower answers from the latency figures, which
      // would flatter the p99 of whichever registry is slow; a socket timeout still fails the run.
      List<String> cmd = new ArrayList<>(List.of("wrk", "--latency", "--timeout", "30s", "-t", Integer.toString(threads),
          "-c", Integer.toString(connections), "-d", Math.max(1, Math.round(seconds)) + "s", "-s", script.toString()));
      headers.forEach((k, v) -> {
        cmd.add("-H");
        cmd.add(k + ": " + v);
      });
      cmd.add(url.toString());
      // wrk's CPU: what it adds to this process's waited-for children once it has been waited
      // for (no other child of the tool ends while wrk runs)
      double cpu0 = ServerProcess.statCpuMillis("self", true);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      int rc = p.waitFor();
      double cpu1 = ServerProcess.statCpuMillis("self", true);
      if (rc != 0) throw new CheckFailed("wrk exited " + rc + ": " + out);
      Matcher non = NON2XX.matcher(out);
      if (non.find()) throw new CheckFailed("wrk " + what + ": " + non.group(1) + " responses were not 2xx/3xx\n" + out);
      Matcher se = SOCKERR.matcher(out);
      if (se.find()) throw new CheckFailed("wrk " + what + ": socket errors " + se.group(1) + "\n" + out);
      Matcher r = RPS.matcher(out);
      Matcher t = TOTAL.matcher(out);
      if (!r.find() || !t.find()) throw new CheckFailed("cannot read wrk's output:\n" + out);
      double p50 = -1;
      double p99 = -1;
      Matcher m = PCT.matcher(out);
      while (m.find()) {
        double v = toMs(Double.parseDouble(m.group(2)), m.group(3));
        if (m.group(1).equals("50")) p50 = v;
        else p99 = v;
      }
      long requests = Long.parseLong(t.group(1));
      if (requests == 0) throw new CheckFailed("wrk " + what + " completed no request:\n" + out);
      double cpuMs = cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0;
      Result http = new Result(Double.parseDouble(r.group(1)), requests, p50, p99, cpuMs);
      double secs = toMs(Double.parseDouble(t.group(2)), t.group(3)) / 1000;
      Matcher u = SCRIPTED.matcher(out);
      if (!u.find()) return new Scripted(http, requests, 0, false, secs);
      Scripted sc = new Scripted(http, Long.parseLong(u.group(1)), Long.parseLong(u.group(2)), !u.group(3).equals("0"), secs);
      if (sc.errors() > 0) throw new CheckFailed("wrk " + what + ": " + sc.errors() + " unexpected answers (see the script's checks)\n" + out);
      if (sc.ranOut()) throw new CheckFailed("wrk " + what + ": the prepared requests ran out before the end; the figure would be short\n" + out);
      if (sc.units() == 0) throw new CheckFailed("wrk " + what + " completed no unit of work:\n" + out);
      return sc;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static double toMs(double v, String unit) {
    return switch (unit) {
      case "us" -> v / 1000;
      case "s" -> v * 1000;
      case "m" -> v * 60_000;
      default -> v;
    };
  }
}
