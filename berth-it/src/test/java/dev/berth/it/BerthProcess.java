package dev.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar berth.jar serve --listen 127.0.0.1:0 --data <dir> --auth none}: berth on a port
 * the OS picks, which it announces on stdout as {@code listening on http://127.0.0.1:<port>}.
 */
final class BerthProcess implements RegistryProcess {
  static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private final ServerProcess process;
  private final String host;

  private BerthProcess(ServerProcess process, String host) {
    this.process = process;
    this.host = host;
  }

  /**
   * The jar to run: system property {@code berth.jar} (set by the berth-it pom), else
   * ../berth-cli/target/berth.jar relative to the berth-it module directory.
   */
  static Path jar() {
    String prop = System.getProperty("berth.jar");
    Path jar = prop != null ? Path.of(prop) : Path.of(System.getProperty("user.dir"), "..", "berth-cli", "target", "berth.jar");
    jar = jar.toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError(jar + " does not exist: build it first, e.g. "
          + "mvn -B -pl berth-it -am verify (the reactor packages berth-cli before berth-it's tests run)");
    }
    return jar;
  }

  static BerthProcess start(Path dataDir, Path logFile) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> argv = List.of(java.toString(), "-jar", jar().toString(),
        "serve", "--listen", "127.0.0.1:0", "--data", dataDir.toString(), "--auth", "none");
    Map<String, String> env = new HashMap<>();
    // berth reads BERTH_* settings from the environment: none from the developer's shell may leak in
    System.getenv().keySet().stream().filter(k -> k.startsWith("BERTH_")).forEach(k -> env.put(k, null));
    // every request in the server log, so a failing test shows what the client sent and got
    env.put("BERTH_ACCESS_LOG", "DEBUG");
    ServerProcess p = ServerProcess.start("berth", argv, env, dataDir.getParent(), logFile);
    try {
      Matcher m = p.awaitLine(LISTENING, Duration.ofSeconds(60));
      String host = "127.0.0.1:" + m.group(1);
      Log.info("berth is listening on %s", host);
      return new BerthProcess(p, host);
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "berth";
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public Path logFile() {
    return process.logFile();
  }

  @Override
  public String outputTail(int lines) {
    return process.tail(lines);
  }

  @Override
  public void close() {
    process.close();
  }
}
