package dev.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's process, when known: its CPU time (utime+stime from /proc/PID/stat) and resident
 * memory (VmRSS, VmHWM from /proc/PID/status). Either attached by PID or launched by the tool from a
 * command, in which case the time from process start to the first answered {@code GET /v2/} is
 * measured.
 */
public final class ServerProcess implements AutoCloseable {
  /** USER_HZ; 100 on every mainstream Linux build. */
  static final long CLK_TCK = clockTicks();

  private final String command;
  private final Path log;
  private volatile long pid;
  private Process process;

  private ServerProcess(long pid, String command, Path log) {
    this.pid = pid;
    this.command = command;
    this.log = log;
  }

  public static ServerProcess attach(long pid) {
    ServerProcess p = new ServerProcess(pid, null, null);
    if (!Files.exists(Path.of("/proc/" + pid + "/stat"))) {
      throw new IllegalArgumentException("no process " + pid + " (or no /proc): cannot read its CPU and memory");
    }
    return p;
  }

  /** A process the tool launches with {@code sh -c 'exec CMD'} so the PID is the server's. */
  public static ServerProcess command(String command, Path log) {
    return new ServerProcess(-1, command, log);
  }

  public boolean launched() {
    return command != null;
  }

  public long pid() {
    return pid;
  }

  /** Starts the command and returns milliseconds until {@code probe} first succeeds. */
  public double start(Probe probe) throws Exception {
    if (command == null) throw new IllegalStateException("attached, not launched");
    if (probe.answered()) {
      throw new CheckFailed("something already answers GET /v2/ where this command should listen; stop it first, "
          + "or the figures would be another process's: " + command);
    }
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "exec " + command);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    long t0 = System.nanoTime();
    process = pb.start();
    pid = process.pid();
    long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (probe.answered()) {
        double ms = (System.nanoTime() - t0) / 1e6;
        Thread.sleep(50);
        if (!process.isAlive()) {
          throw new CheckFailed("server command exited with " + process.exitValue() + " although GET /v2/ was answered: "
              + "another process listens on its address (log: " + log + "): " + command);
        }
        return ms;
      }
      if (!process.isAlive()) {
        throw new CheckFailed("server command exited with " + process.exitValue() + " before answering GET /v2/ (log: " + log + "): " + command);
      }
      if (System.nanoTime() > deadline) {
        throw new CheckFailed("server did not answer GET /v2/ within 60 s (log: " + log + "): " + command);
      }
      Thread.sleep(2);
    }
  }

  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    }
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  /** CPU time (user+system) in milliseconds, or -1 if unknown. */
  public double cpuMillis() {
    return pid <= 0 ? -1 : statCpuMillis(Long.toString(pid), false);
  }

  /**
   * CPU time in milliseconds from {@code /proc/PROC/stat} ({@code PROC} a pid or {@code self}):
   * the process's own user+system time, or with {@code children} that of its children it has
   * waited for (cutime+cstime). -1 if unknown.
   */
  static double statCpuMillis(String proc, boolean children) {
    try {
      String s = Files.readString(Path.of("/proc/" + proc + "/stat"));
      // the command name may contain spaces; fields restart after the last ')' (field 3 at index 0)
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      int user = children ? 13 : 11;
      return (Long.parseLong(f[user]) + Long.parseLong(f[user + 1])) * 1000.0 / CLK_TCK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** VmRSS in KiB, or -1. */
  public long rssKib() {
    return status("VmRSS:");
  }

  /** VmHWM (peak resident set since start) in KiB, or -1. */
  public long hwmKib() {
    return status("VmHWM:");
  }

  private long status(String key) {
    if (pid <= 0) return -1;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Samples VmRSS every 20 ms on a daemon thread; {@link Sampler#close()} returns the peak. */
  public Sampler sampleRss() {
    return new Sampler();
  }

  public final class Sampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong(-1);
    private final Thread thread;
    private volatile boolean running = true;

    Sampler() {
      thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
        while (running) {
          long r = rssKib();
          peak.accumulateAndGet(r, Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    /** Peak VmRSS in KiB seen while sampling, or -1. */
    public long peakKib() {
      return peak.get();
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
      peak.accumulateAndGet(rssKib(), Math::max);
    }
  }

  @FunctionalInterface
  public interface Probe {
    boolean answered();
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }
}
