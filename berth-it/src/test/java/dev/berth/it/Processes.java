package dev.berth.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Stopping child processes together with everything they started. */
final class Processes {
  private Processes() {}

  /**
   * Asks {@code root} to stop (SIGTERM), waits up to {@code grace}, then kills it and every
   * descendant that is still alive (SIGKILL). Descendants are listed before the TERM is sent, so
   * children that get re-parented while their parent exits are still found.
   */
  static void stopTree(ProcessHandle root, Duration grace) {
    List<ProcessHandle> family = root.descendants().toList();
    if (root.isAlive()) {
      root.destroy();
      try {
        root.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception timedOutOrInterrupted) {
        // fall through to the kill
      }
    }
    killTree(root, family);
  }

  /** Kills {@code root} and its descendants at once (SIGKILL), then waits briefly for them. */
  static void killTree(ProcessHandle root, Duration wait) {
    killTree(root, root.descendants().toList());
    try {
      root.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception ignored) {
      // it was killed; nothing else to do
    }
  }

  private static void killTree(ProcessHandle root, List<ProcessHandle> family) {
    List<ProcessHandle> all = new java.util.ArrayList<>(family);
    all.addAll(root.descendants().toList());
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    if (root.isAlive()) {
      root.destroyForcibly();
    }
  }
}
