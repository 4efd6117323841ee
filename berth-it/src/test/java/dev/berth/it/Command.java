package dev.berth.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One external command, run to completion with a timeout, its stdout and stderr captured. Every
 * assertion on the outcome ({@link Result#assertSuccess()}, {@link Result#assertFailure()}) puts
 * the command line, exit code and both streams into the failure message, so a red test says what
 * the client printed without re-running anything.
 *
 * <p>Output goes to temporary files rather than pipes: no reader threads, no deadlock on a chatty
 * child, and no output lost if the child is killed on timeout.
 */
public final class Command {
  private final List<String> argv;
  private final Map<String, String> env = new LinkedHashMap<>();
  private final java.util.Set<String> unset = new java.util.LinkedHashSet<>();
  private Duration timeout = Duration.ofMinutes(2);
  private Path dir;
  private String stdin;

  private Command(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  public static Command of(String... argv) {
    return new Command(List.of(argv));
  }

  public static Command of(List<String> argv) {
    return new Command(argv);
  }

  public Command env(String name, String value) {
    env.put(name, value);
    return this;
  }

  public Command env(Map<String, String> more) {
    env.putAll(more);
    return this;
  }

  /** Removes an inherited environment variable (e.g. DOCKER_CONTEXT from the developer's shell). */
  public Command unset(String name) {
    env.remove(name);
    unset.add(name);
    return this;
  }

  public Command timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** Text for the command's standard input (for passwords: never on the command line). */
  public Command stdin(String text) {
    this.stdin = text;
    return this;
  }

  public Command dir(Path dir) {
    this.dir = dir;
    return this;
  }

  /** Runs the command; never throws for a non-zero exit (assert on the result), only for a timeout. */
  public Result run() {
    Path out = null;
    Path err = null;
    Path in = null;
    try {
      out = Files.createTempFile("berth-it-out", ".txt");
      err = Files.createTempFile("berth-it-err", ".txt");
      if (stdin != null) {
        in = Files.createTempFile("berth-it-in", ".txt");
        Files.writeString(in, stdin);
      }
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(in != null ? in.toFile() : new File("/dev/null")))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().keySet().removeAll(unset);
      pb.environment().putAll(env);
      long start = System.nanoTime();
      Process p = pb.start();
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        Processes.killTree(p.toHandle(), Duration.ofSeconds(5));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      Result r = new Result(argv, env, done ? p.exitValue() : -1, read(out), read(err), took);
      Log.info("$ %s -> %s in %d ms", String.join(" ", argv), done ? "exit " + r.exitCode() : "TIMEOUT", took.toMillis());
      if (!done) {
        throw new AssertionError("timed out after " + timeout + ":\n" + r.describe());
      }
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + argv, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
      deleteQuietly(in);
    }
  }

  /** Shorthand: run and require exit code 0. */
  public Result runOk() {
    return run().assertSuccess();
  }

  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }

  /** What a command did. */
  public record Result(List<String> argv, Map<String, String> env, int exitCode, String stdout, String stderr, Duration took) {

    public Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError("expected exit code 0 but got " + exitCode + ":\n" + describe());
      }
      return this;
    }

    public Result assertFailure() {
      if (exitCode == 0) {
        throw new AssertionError("expected the command to fail but it exited 0:\n" + describe());
      }
      return this;
    }

    /** stdout and stderr together, for "the client said X" checks that don't care which stream. */
    public String output() {
      return stdout + stderr;
    }

    /** Multi-line description for failure messages: the command, its env overrides, exit code and output. */
    public String describe() {
      List<String> lines = new ArrayList<>();
      lines.add("  command: " + String.join(" ", argv));
      if (!env.isEmpty()) {
        lines.add("  env: " + env);
      }
      lines.add("  exit code: " + exitCode + " (after " + took.toMillis() + " ms)");
      lines.add("  --- stdout ---");
      lines.add(indent(stdout));
      lines.add("  --- stderr ---");
      lines.add(indent(stderr));
      return String.join("\n", lines);
    }

    private static String indent(String s) {
      String trimmed = s.strip();
      if (trimmed.isEmpty()) {
        return "  (empty)";
      }
      // cap huge outputs so a failure message stays readable; keep the end, where errors are
      if (trimmed.length() > 20_000) {
        trimmed = "[... " + (trimmed.length() - 20_000) + " chars cut ...]\n" + trimmed.substring(trimmed.length() - 20_000);
      }
      return "  " + trimmed.replace("\n", "\n  ");
    }
  }
}
