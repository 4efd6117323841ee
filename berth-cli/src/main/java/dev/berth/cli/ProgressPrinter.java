package dev.berth.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Progress;
import dev.berth.oci.Descriptor;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shows a copy's progress: on a terminal, a live block with one line per active blob and a total
 * (bytes and speed), redrawn a few times a second; elsewhere (CI logs) one plain line per event;
 * with --json one JSON object per event on stdout; with --quiet nothing.
 */
final class ProgressPrinter implements Progress, AutoCloseable {
  enum Mode { TERMINAL, PLAIN, JSON, QUIET }

  private final Mode mode;
  private final PrintStream out;
  private final Map<String, long[]> active = new LinkedHashMap<>(); // digest -> {done, size, start nanos}
  private final AtomicLong totalDone = new AtomicLong();
  private long totalBytes;
  private final long started = System.nanoTime();
  private int drawnLines;
  private Thread ticker;

  ProgressPrinter(Mode mode) {
    this.mode = mode;
    this.out = mode == Mode.JSON ? System.out : System.err;
    if (mode == Mode.TERMINAL) {
      ticker = Thread.ofPlatform().daemon().name("berth-progress").start(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          try {
            Thread.sleep(250);
          } catch (InterruptedException e) {
            return;
          }
          draw();
        }
      });
    }
  }

  static Mode choose(ClientOptions o) {
    if (o.quiet) return Mode.QUIET;
    if (o.json) return Mode.JSON;
    return isTerminal() ? Mode.TERMINAL : Mode.PLAIN;
  }

  /** System.console() is non-null even when redirected on JDK 22+, so ask isTerminal() where it exists. */
  static boolean isTerminal() {
    java.io.Console c = System.console();
    if (c == null) return false;
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public synchronized void plan(int blobs, long bytes) {
    totalBytes += bytes;
  }

  @Override
  public synchronized void blobStarted(Descriptor blob) {
    active.put(blob.digest().toString(), new long[] {0, blob.size(), System.nanoTime()});
  }

  @Override
  public synchronized void blobProgress(Descriptor blob, long done) {
    long[] s = active.get(blob.digest().toString());
    if (s != null) {
      totalDone.addAndGet(done - s[0]);
      s[0] = done;
    }
  }

  @Override
  public synchronized void blobResumed(Descriptor blob, long offset, String why) {
    blobProgress(blob, offset);
    switch (mode) {
      case PLAIN, TERMINAL -> line("resuming " + shortDigest(blob) + " at " + bytes(offset) + " of " + bytes(blob.size()) + " (" + why + ")");
      case JSON -> {
        ObjectNode n = Json.object().put("event", "resume").put("digest", blob.digest().toString()).put("offset", offset).put("reason", why);
        out.println(n);
      }
      default -> { }
    }
  }

  @Override
  public synchronized void blobDone(Descriptor blob, Outcome outcome) {
    long[] s = active.remove(blob.digest().toString());
    if (s != null && outcome == Outcome.COPIED) totalDone.addAndGet(blob.size() - s[0]);
    if (outcome != Outcome.COPIED) totalBytes -= blob.size();
    double secs = s == null ? 0 : (System.nanoTime() - s[2]) / 1e9;
    switch (mode) {
      case PLAIN, TERMINAL -> {
        String how = switch (outcome) {
          case COPIED -> "copied" + (secs > 0.05 ? " in " + String.format(Locale.ROOT, "%.1fs", secs) + ", " + bytes((long) (blob.size() / secs)) + "/s" : "");
          case EXISTS -> "already there";
          case MOUNTED -> "mounted from the source repository";
        };
        line("blob " + shortDigest(blob) + " " + bytes(blob.size()) + ": " + how);
      }
      case JSON -> out.println(Json.object().put("event", "blob").put("digest", blob.digest().toString())
          .put("size", blob.size()).put("outcome", outcome.name().toLowerCase(Locale.ROOT)));
      default -> { }
    }
  }

  @Override
  public synchronized void manifestWritten(Manifest m, String where) {
    switch (mode) {
      case PLAIN, TERMINAL -> line("manifest " + m.digest() + " (" + m.mediaType() + ") written to " + where);
      case JSON -> out.println(Json.object().put("event", "manifest").put("digest", m.digest().toString()).put("mediaType", m.mediaType()).put("to", where));
      default -> { }
    }
  }

  /** A line above the live block (terminal) or in the log (plain). */
  private void line(String s) {
    if (mode == Mode.TERMINAL) erase();
    out.println(s);
    if (mode == Mode.TERMINAL) drawLocked();
  }

  private synchronized void draw() {
    erase();
    drawLocked();
  }

  private void erase() {
    for (int i = 0; i < drawnLines; i++) out.print("\033[1A\033[2K");
    drawnLines = 0;
  }

  private void drawLocked() {
    if (active.isEmpty() && totalDone.get() == 0) return;
    for (var e : active.entrySet()) {
      long[] s = e.getValue();
      double secs = Math.max(0.001, (System.nanoTime() - s[2]) / 1e9);
      out.println("  " + e.getKey().substring(0, Math.min(19, e.getKey().length())) + "  " + bar(s[0], s[1]) + " "
          + bytes(s[0]) + " / " + bytes(s[1]) + "  " + bytes((long) (s[0] / secs)) + "/s");
      drawnLines++;
    }
    double secs = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    out.println("  total " + bytes(totalDone.get()) + " / " + bytes(Math.max(totalBytes, totalDone.get())) + "  " + bytes((long) (totalDone.get() / secs)) + "/s");
    drawnLines++;
    out.flush();
  }

  private static String bar(long done, long size) {
    int width = 20;
    int full = size <= 0 ? width : (int) Math.min(width, done * width / size);
    return "[" + "=".repeat(full) + " ".repeat(width - full) + "]";
  }

  static String shortDigest(Descriptor d) {
    String s = d.digest().toString();
    return s.substring(0, Math.min(s.length(), 19));
  }

  static String bytes(long n) {
    if (n < 1024) return n + " B";
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.interrupt();
      erase();
      out.flush();
    }
  }
}
