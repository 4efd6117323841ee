package dev.berth.doctor;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** Real tools for tests: skipped with a message when missing, a failure when CI=true. */
public final class Tools {
  private Tools() {}

  public static boolean ci() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** The absolute path of a tool, trying the given candidates first, then the PATH. */
  public static Path require(String name, String... candidates) {
    for (String c : candidates) {
      Path p = Path.of(c);
      if (Files.isExecutable(p)) return p;
    }
    Path p = Proc.which(name, System.getenv("PATH"));
    if (p != null) return p;
    String msg = name + " is not installed (apt-get install docker.io skopeo docker-registry busybox-static); skipping the real-tool test";
    if (ci()) fail(msg + " — but CI=true, so this is a failure");
    Assumptions.abort(msg);
    return null;
  }

  public static void requireRoot() {
    if (!"root".equals(System.getProperty("user.name"))) {
      String msg = "a private dockerd needs root";
      if (ci()) fail(msg + " — but CI=true");
      Assumptions.abort(msg);
    }
  }

  /** The environment of this JVM with changes. */
  public static Map<String, String> env(String... kv) {
    Map<String, String> e = new HashMap<>(System.getenv());
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) e.remove(kv[i]);
      else e.put(kv[i], kv[i + 1]);
    }
    return e;
  }

  /** Runs a command and returns stdout+stderr as one log, as a CI job would show it. */
  public static String log(Map<String, String> env, Duration timeout, List<String> cmd) {
    Proc.Result r = Proc.run(env, timeout, cmd);
    return "$ " + String.join(" ", cmd) + "\n" + r.stdout() + r.stderr() + "\n(exit " + r.exit() + ")\n";
  }
}
