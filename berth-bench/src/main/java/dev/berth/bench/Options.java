package dev.berth.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Command-line options of {@code berth-bench}. */
final class Options {
  static final List<String> ALL = List.of("limits", "push", "push-chunked", "pull", "manifest", "manifest-wrk",
      "small-blobs", "tag-push", "tag-list", "images");

  URI url;
  URI compare;
  long serverPid = -1;
  long comparePid = -1;
  String serverCmd;
  String compareCmd;
  String user;
  String password;
  int rounds = 3;
  boolean quick;
  Set<String> scenarios = new LinkedHashSet<>(ALL);
  double duration = 5;
  double warmup = 1;
  int warmupOps = 10000;
  long blobSize = 1L << 30;
  long chunkSize = 16L << 20;
  List<Integer> concurrency = List.of(1, 16, 64);
  int clients = 16;
  int smallBlobs = 2000;
  int smallBlobSize = 4096;
  int tags = 1000;
  int images = 8;
  int layers = 5;
  long layerSize = 10L << 20;
  long limitBytes = 1L << 30;
  Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
  Path json;
  String labelA = "A";
  String labelB = "B";
  boolean wrk = true;
  boolean rawClient = true;

  static final String USAGE = """
      berth-bench: load tool for any OCI Distribution / Docker Registry v2 registry.

      java -jar berth-bench.jar --url URL [options]
        --url URL                registry to measure (A)
        --compare URL            reference registry (B): every figure runs A B A B … and prints A/B
        --server-pid PID         A's process, for CPU time (/proc/PID/stat) and memory (/proc/PID/status)
        --compare-pid PID        the same for B
        --server-cmd 'CMD'       launch A with CMD (sh -c 'exec CMD'); also measures start-to-first-answer
        --compare-cmd 'CMD'      launch B with CMD
        --label-a NAME, --label-b NAME   names in the table (default A, B)
        --user U --password P    credentials (Basic, or Bearer via the token challenge flow)
        --rounds N               rounds per figure (default 3)
        --quick                  small sizes and short runs: proves the tool works, measures nothing
        --scenarios a,b,…        of: %s (default all)
        --skip a,b,…             all but these
        --duration S             seconds per fixed-time figure (default 5)
        --warmup S               seconds of unmeasured load before each fixed-time figure (default 1)
        --warmup-ops N           small-blob pushes and tag pushes before the first round of those
                                 figures, reported as figures of their own (default 10000: a JVM
                                 server reaches its steady state only after thousands of each)
        --blob-size BYTES        big blob for push/pull (default 1GiB; suffixes KiB MiB GiB)
        --chunk-size BYTES       PATCH chunk (default 16MiB)
        --concurrency 1,16,64    clients for manifest HEAD/GET
        --clients N              clients for small blobs, tag pushes, tag list (default 16)
        --small-blobs N          number of small blobs (default 2000)  --small-blob-size BYTES (4KiB)
        --tags N                 tags pushed / listed (default 1000)
        --images N --layers N --layer-size BYTES   parallel image pushes (default 8, 5, 10MiB)
        --scratch DIR            where the disk limit is measured (default java.io.tmpdir; use the data disk)
        --limit-bytes BYTES      bytes for the disk/SHA/loopback/file→TCP limits (default 1GiB)
        --json FILE              also write the JSON lines to FILE
        --no-wrk                 do not use wrk even if it is on the PATH
        --big-blob-client raw|jdk   client for the 1 GiB push and pull figures (default raw: a lean
                                 socket client, since the JDK HttpClient tops out near 600 MB/s; jdk:
                                 the JDK HttpClient like every other figure). https always uses jdk.
      """.formatted(String.join(",", ALL));

  static Options parse(String[] args) {
    Options o = new Options();
    List<String> a = new ArrayList<>(List.of(args));
    boolean quick = a.contains("--quick");
    if (quick) o.applyQuick();
    for (int i = 0; i < a.size(); i++) {
      String k = a.get(i);
      switch (k) {
        case "--quick" -> {}
        case "--no-wrk" -> o.wrk = false;
        case "-h", "--help" -> throw new Usage(null);
        default -> {
          if (i + 1 >= a.size()) throw new Usage(k + " needs a value");
          String v = a.get(++i);
          switch (k) {
            case "--url" -> o.url = URI.create(v);
            case "--compare" -> o.compare = URI.create(v);
            case "--server-pid" -> o.serverPid = Long.parseLong(v);
            case "--compare-pid" -> o.comparePid = Long.parseLong(v);
            case "--server-cmd" -> o.serverCmd = v;
            case "--compare-cmd" -> o.compareCmd = v;
            case "--label-a" -> o.labelA = v;
            case "--label-b" -> o.labelB = v;
            case "--user" -> o.user = v;
            case "--password" -> o.password = v;
            case "--rounds" -> o.rounds = Integer.parseInt(v);
            case "--scenarios" -> o.scenarios = names(v);
            case "--skip" -> o.scenarios.removeAll(names(v));
            case "--duration" -> o.duration = Double.parseDouble(v);
            case "--warmup" -> o.warmup = Double.parseDouble(v);
            case "--warmup-ops" -> o.warmupOps = Integer.parseInt(v);
            case "--blob-size" -> o.blobSize = bytes(v);
            case "--chunk-size" -> o.chunkSize = bytes(v);
            case "--concurrency" -> o.concurrency = List.of(v.split(",")).stream().map(String::trim).map(Integer::parseInt).toList();
            case "--clients" -> o.clients = Integer.parseInt(v);
            case "--small-blobs" -> o.smallBlobs = Integer.parseInt(v);
            case "--small-blob-size" -> o.smallBlobSize = (int) bytes(v);
            case "--tags" -> o.tags = Integer.parseInt(v);
            case "--images" -> o.images = Integer.parseInt(v);
            case "--layers" -> o.layers = Integer.parseInt(v);
            case "--layer-size" -> o.layerSize = bytes(v);
            case "--scratch" -> o.scratch = Path.of(v);
            case "--limit-bytes" -> o.limitBytes = bytes(v);
            case "--json" -> o.json = Path.of(v);
            case "--big-blob-client" -> {
              if (!v.equals("raw") && !v.equals("jdk")) throw new Usage("--big-blob-client is raw or jdk");
              o.rawClient = v.equals("raw");
            }
            default -> throw new Usage("unknown option " + k);
          }
        }
      }
    }
    if (o.url == null && o.serverCmd == null) throw new Usage("--url is required");
    if (o.url == null) throw new Usage("--url is required with --server-cmd (the address the command listens on)");
    if (o.compareCmd != null && o.compare == null) throw new Usage("--compare URL is required with --compare-cmd");
    if (o.rounds < 1) throw new Usage("--rounds must be at least 1");
    return o;
  }

  private void applyQuick() {
    quick = true;
    rounds = 1;
    duration = 0.5;
    warmup = 0.1;
    warmupOps = 20;
    blobSize = 8L << 20;
    chunkSize = 1L << 20;
    concurrency = List.of(1, 4);
    clients = 4;
    smallBlobs = 40;
    tags = 20;
    images = 2;
    layers = 2;
    layerSize = 256L << 10;
    limitBytes = 16L << 20;
  }

  private static Set<String> names(String v) {
    Set<String> s = new LinkedHashSet<>();
    for (String n : v.split(",")) {
      n = n.trim();
      if (n.isEmpty()) continue;
      if (!ALL.contains(n)) throw new Usage("unknown scenario " + n + "; known: " + String.join(",", ALL));
      s.add(n);
    }
    return s;
  }

  static long bytes(String v) {
    String s = v.trim();
    long mul = 1;
    String[][] units = {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}, {"G", "1073741824"}, {"M", "1048576"}, {"K", "1024"}};
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        mul = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length());
        break;
      }
    }
    return Long.parseLong(s.trim()) * mul;
  }

  /** Bad command line: the message and the usage. */
  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }
}
