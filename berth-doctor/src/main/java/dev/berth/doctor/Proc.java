package dev.berth.doctor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Runs a command with a timeout and captures its output; never throws for a failing command. */
public final class Proc {
  private Proc() {}

  /**
   * What a command did.
   *
   * @param exit exit status; -1 when it could not start, -2 when it timed out
   */
  public record Result(int exit, String stdout, String stderr) {
    public boolean ok() {
      return exit == 0;
    }

    public String out() {
      return stdout.strip();
    }

    /** stdout and stderr together, for tools that print versions to stderr (java -version). */
    public String all() {
      return (stdout + "\n" + stderr).strip();
    }
  }

  public static Result run(Map<String, String> env, Duration timeout, String... cmd) {
    return run(env, timeout, List.of(cmd));
  }

  public static Result run(Map<String, String> env, Duration timeout, List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (env != null) {
      pb.environment().clear();
      pb.environment().putAll(env);
    }
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Result(-1, "", e.getMessage());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread to = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
    Thread te = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(2, TimeUnit.SECONDS);
        to.join(1000);
        te.join(1000);
        return new Result(-2, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8) + "\n(timed out after " + timeout.toSeconds() + " s)");
      }
      to.join(2000);
      te.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Result(-2, "", "interrupted");
    }
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException ignored) {
      // the process went away; keep what we have
    }
  }

  /** Every executable named {@code name} on the PATH, in PATH order, plus well-known places, without duplicates. */
  public static List<Path> findAll(String name, String path, List<String> extraDirs) {
    Set<Path> found = new LinkedHashSet<>();
    List<String> dirs = new ArrayList<>();
    if (path != null) dirs.addAll(List.of(path.split(":")));
    dirs.addAll(extraDirs);
    Set<Path> seenReal = new LinkedHashSet<>();
    for (String d : dirs) {
      if (d.isEmpty()) continue;
      Path p = Path.of(d, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        Path real;
        try {
          real = p.toRealPath();
        } catch (IOException e) {
          real = p;
        }
        if (seenReal.add(real)) found.add(p);
      }
    }
    return List.copyOf(found);
  }

  /** The first executable named {@code name} on the PATH, or null. */
  public static Path which(String name, String path) {
    List<Path> all = findAll(name, path, List.of());
    return all.isEmpty() ? null : all.get(0);
  }
}
