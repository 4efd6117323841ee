package dev.berth.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A long-running child process (a registry, dockerd) whose stdout and stderr are merged, copied
 * line by line to a log file, and kept in memory as a tail for failure messages. Lines can be
 * awaited (for "listening on ..."), and the process is stopped with its whole process tree.
 */
final class ServerProcess implements AutoCloseable {
  private static final int TAIL_LINES = 300;

  private final String name;
  private final Process process;
  private final Path logFile;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Thread pump;

  private ServerProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
    this.pump = Thread.ofPlatform().daemon().name(name + "-output").start(this::pumpOutput);
  }

  /** Starts {@code argv}; output goes to {@code logFile} (overwritten). A null value in {@code env} unsets that variable. */
  static ServerProcess start(String name, List<String> argv, Map<String, String> env, Path workDir, Path logFile) {
    try {
      Files.createDirectories(logFile.getParent());
      ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      env.forEach((k, v) -> {
        if (v == null) {
          pb.environment().remove(k);
        } else {
          pb.environment().put(k, v);
        }
      });
      Log.info("starting %s: %s (log: %s)", name, String.join(" ", argv), logFile);
      return new ServerProcess(name, pb.start(), logFile);
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name + ": " + argv, e);
    }
  }

  private void pumpOutput() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        log.write(line);
        log.write('\n');
        log.flush();
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
          tail.notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (tail) {
        tail.addLast("[berth-it: reading output failed: " + e + "]");
        tail.notifyAll();
      }
    } finally {
      synchronized (tail) {
        tail.notifyAll();
      }
    }
  }

  String name() {
    return name;
  }

  Path logFile() {
    return logFile;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits for an output line that matches {@code pattern} and returns its match. Fails, with the
   * output so far, if the process exits first or nothing matches within {@code timeout}.
   */
  Matcher awaitLine(Pattern pattern, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (tail) {
      while (true) {
        // re-scan the whole tail: it is small, and startup lines are never pushed out of it this early
        for (String line : tail) {
          Matcher m = pattern.matcher(line);
          if (m.find()) {
            return m;
          }
        }
        if (!pump.isAlive() && !process.isAlive()) {
          throw new AssertionError(name + " exited with code " + process.exitValue()
              + " before printing a line matching /" + pattern + "/\n" + tail(80));
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(name + " printed no line matching /" + pattern + "/ within " + timeout
              + (process.isAlive() ? " (still running)" : " (exited with " + process.exitValue() + ")") + "\n" + tail(80));
        }
        try {
          tail.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  /** Polls {@code ready} until it is true; fails with the output if the process dies or time runs out. */
  void awaitReady(String what, BooleanSupplier ready, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (ready.getAsBoolean()) {
        return;
      }
      if (!process.isAlive()) {
        waitForPump();
        throw new AssertionError(name + " exited with code " + process.exitValue() + " before " + what + "\n" + tail(80));
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(name + " not ready (" + what + ") within " + timeout + "\n" + tail(80));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private void waitForPump() {
    try {
      pump.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last {@code lines} lines of output, framed, for failure messages. */
  String tail(int lines) {
    List<String> copy;
    synchronized (tail) {
      copy = List.copyOf(tail);
    }
    List<String> last = copy.subList(Math.max(0, copy.size() - lines), copy.size());
    return "--- last " + last.size() + " lines of " + name + " output (full log: " + logFile + ") ---\n"
        + String.join("\n", last) + "\n--- end of " + name + " output ---";
  }

  @Override
  public void close() {
    Processes.stopTree(process.toHandle(), Duration.ofSeconds(15));
    waitForPump();
    Log.info("stopped %s (exit %s)", name, process.isAlive() ? "still alive!" : String.valueOf(process.exitValue()));
  }
}
