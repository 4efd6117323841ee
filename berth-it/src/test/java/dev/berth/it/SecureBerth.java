package dev.berth.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * berth as a user starts it for a team: {@code java -jar berth.jar serve} with its default access
 * control, the admin password from {@code BERTH_ADMIN_PASSWORD}, and the admin commands
 * ({@code berth user add}, {@code berth grant}, {@code berth token create}) run as separate
 * processes against its data directory.
 */
final class SecureBerth implements AutoCloseable {
  static final String ADMIN_PASSWORD = "admin-secret-1";

  private final ServerProcess process;
  private final Path data;
  final String host;

  private SecureBerth(ServerProcess process, Path data, String host) {
    this.process = process;
    this.data = data;
    this.host = host;
  }

  static SecureBerth start(Path dir) {
    Path data = dir.resolve("data");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> argv = List.of(java.toString(), "-jar", BerthProcess.jar().toString(), "serve", "--listen", "127.0.0.1:0", "--data", data.toString());
    Map<String, String> env = new HashMap<>();
    System.getenv().keySet().stream().filter(k -> k.startsWith("BERTH_")).forEach(k -> env.put(k, null));
    env.put("BERTH_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("BERTH_ACCESS_LOG", "DEBUG");
    ServerProcess p = ServerProcess.start("berth", argv, env, dir, dir.resolve("berth.log"));
    try {
      Matcher m = p.awaitLine(BerthProcess.LISTENING, Duration.ofSeconds(60));
      return new SecureBerth(p, data, "127.0.0.1:" + m.group(1));
    } catch (RuntimeException | Error e) {
      p.close();
      throw e;
    }
  }

  /** Runs {@code berth ARGS --data DIR} as its own process. */
  Command.Result admin(String stdin, String... args) {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> argv = new ArrayList<>(List.of(java.toString(), "-jar", BerthProcess.jar().toString()));
    argv.addAll(List.of(args));
    argv.add("--data");
    argv.add(data.toString());
    Command c = Command.of(argv).timeout(Duration.ofMinutes(1));
    if (stdin != null) c = c.stdin(stdin);
    return c.runOk();
  }

  String logTail() {
    return process.tail(40);
  }

  @Override
  public void close() {
    process.close();
  }
}
