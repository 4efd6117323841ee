package dev.berth.bench;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the scenarios against one registry, or against two alternately (A B A B …), and hands every
 * measurement to the {@link Report}. Returns normally only if every response was what the protocol
 * promises.
 */
public final class Bench {
  private static final double GIB = 1L << 30;
  private static final String CONFIG_TYPE = "application/vnd.oci.image.config.v1+json";
  private static final String LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar";

  private final Options o;
  private final Report report;
  private final List<Target> targets = new ArrayList<>();
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final AtomicLong seeds = new AtomicLong(System.nanoTime());
  private boolean ok;

  /** One registry under test, with its process when known. */
  static final class Target {
    final String key;
    final Registry reg;
    final ServerProcess proc;
    final Map<String, Object> state = new HashMap<>();

    Target(String key, Registry reg, ServerProcess proc) {
      this.key = key;
      this.reg = reg;
      this.proc = proc;
    }
  }

  Bench(Options o, PrintStream out) {
    this.o = o;
    this.report = new Report(out, o.json, o.labelA, o.labelB);
  }

  /** Entry point for tests and the CLI: runs everything, prints, and returns true if all checks passed. */
  public static boolean run(String[] args, PrintStream out) throws Exception {
    Options o = Options.parse(args);
    Bench b = new Bench(o, out);
    return b.execute();
  }

  boolean execute() throws Exception {
    Path logs = Files.createTempDirectory("berth-bench-logs");
    targets.add(new Target("A", new Registry(o.url, o.user, o.password, o.rawClient), process(o.serverPid, o.serverCmd, logs.resolve("a.log"))));
    if (o.compare != null) {
      targets.add(new Target("B", new Registry(o.compare, o.user, o.password, o.rawClient), process(o.comparePid, o.compareCmd, logs.resolve("b.log"))));
    }
    boolean compare = targets.size() == 2;
    // killed (SIGTERM, Ctrl-C) mid-run: say so, print what was measured, stop the launched servers
    Thread hook = new Thread(() -> {
      System.err.println("berth-bench: terminated before the end; partial figures follow");
      report.table(compare);
      for (Target t : targets) {
        try {
          if (t.proc != null && t.proc.launched()) t.proc.stop();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }, "berth-bench-interrupted");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      System.err.printf("berth-bench: run %s, %d round(s)%s, %s%n", run, o.rounds, o.quick ? " (quick)" : "", loadavg());
      startup();
      for (Target t : targets) t.reg.checkBase();
      Thread.sleep(o.quick ? 100 : 1000);
      for (Target t : targets) {
        if (t.proc != null) add(t, 0, Measurement.simple("RSS idle", "MiB", false, t.proc.rssKib() / 1024.0, "flat"));
      }
      if (o.scenarios.contains("limits")) limits();
      if (o.scenarios.contains("push")) alternate("blob push monolithic", t -> true, (t, r) -> pushMono(t, r));
      if (o.scenarios.contains("push-chunked")) alternate("blob push chunked", t -> true, (t, r) -> pushChunked(t, r));
      if (o.scenarios.contains("pull")) {
        for (Target t : targets) pullSetup(t);
        alternate("blob pull", t -> true, (t, r) -> pull(t, r, false));
        alternate("blob pull +verify", t -> true, (t, r) -> pull(t, r, true));
      }
      boolean manifest = o.scenarios.contains("manifest");
      boolean wrk = o.wrk && Wrk.available();
      boolean manifestWrk = o.scenarios.contains("manifest-wrk") && wrk;
      if (o.scenarios.contains("manifest-wrk") && !manifestWrk) report.note("wrk not used (not on the PATH or --no-wrk): no wrk figures");
      if (manifest || manifestWrk) {
        for (Target t : targets) manifestSetup(t);
        for (String method : List.of("HEAD", "GET")) {
          for (int c : o.concurrency) {
            if (manifest) alternate("manifest " + method + " c=" + c, t -> true, (t, r) -> manifestLoop(t, method, c));
            // wrk cannot do HEAD: it waits for the body the Content-Length announces
            if (manifestWrk && method.equals("GET")) alternate("manifest " + method + " c=" + c + " [wrk]", t -> true, (t, r) -> manifestWrk(t, method, c));
          }
        }
      }
      if (o.scenarios.contains("small-blobs")) {
        alternate("small blobs", t -> true, (t, r) -> smallBlobs(t, r));
        if (wrk) alternate("small blobs [wrk]", t -> true, (t, r) -> smallBlobsWrk(t, r));
      }
      if (o.scenarios.contains("tag-push")) {
        alternate("tag push", t -> true, (t, r) -> tagPush(t, r));
        if (wrk) alternate("tag push [wrk]", t -> true, (t, r) -> tagPushWrk(t, r));
      }
      if (o.scenarios.contains("tag-list")) {
        for (Target t : targets) tagListSetup(t);
        for (int c : List.of(1, o.clients)) {
          alternate("tag list c=" + c, t -> true, (t, r) -> tagList(t, c));
          if (wrk) alternate("tag list c=" + c + " [wrk]", t -> true, (t, r) -> tagListWrk(t, c));
        }
      }
      if (o.scenarios.contains("images")) alternate("image push", t -> true, (t, r) -> images(t, r));
      Thread.sleep(o.quick ? 100 : 2000);
      for (Target t : targets) {
        if (t.proc == null) continue;
        add(t, 0, Measurement.simple("RSS peak (VmHWM)", "MiB", false, t.proc.hwmKib() / 1024.0, "flat"));
        add(t, 0, Measurement.simple("RSS after run", "MiB", false, t.proc.rssKib() / 1024.0, "flat"));
      }
      ok = true;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        return ok; // the hook reports
      }
      report.table(compare);
      for (Target t : targets) {
        if (t.proc != null && t.proc.launched()) t.proc.stop();
      }
      keepLogsOnlyIfFailed(logs, ok);
    }
    return ok;
  }

  /** The launched servers' logs: removed after a clean run, kept (and named) after a failed one. */
  private static void keepLogsOnlyIfFailed(Path logs, boolean ok) {
    try (java.util.stream.Stream<Path> files = Files.list(logs)) {
      List<Path> all = files.toList();
      if (!ok && !all.isEmpty()) {
        System.err.println("berth-bench: the launched servers' logs are in " + logs);
        return;
      }
      for (Path f : all) Files.deleteIfExists(f);
      Files.deleteIfExists(logs);
    } catch (IOException e) {
      System.err.println("berth-bench: could not remove " + logs + ": " + e);
    }
  }

  private static ServerProcess process(long pid, String cmd, Path log) {
    if (cmd != null) return ServerProcess.command(cmd, log);
    if (pid > 0) return ServerProcess.attach(pid);
    return null;
  }

  private static String loadavg() {
    try {
      return "loadavg " + Files.readString(Path.of("/proc/loadavg")).trim() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs";
    } catch (Exception e) {
      return Runtime.getRuntime().availableProcessors() + " CPUs";
    }
  }

  // ------------------------------------------------------------------ harness

  @FunctionalInterface
  interface Figure {
    Measurement run(Target t, int round) throws Exception;
  }

  @FunctionalInterface
  interface Applies {
    boolean test(Target t);
  }

  /** Runs one figure for every round on every target, A then B, and reports each. */
  private void alternate(String name, Applies applies, Figure f) throws Exception {
    System.err.println(name + " — " + loadavg());
    for (int r = 1; r <= o.rounds; r++) {
      for (Target t : targets) {
        if (!applies.test(t)) continue;
        add(t, r, f.run(t, r));
      }
    }
  }

  private void add(Target t, int round, Measurement m) {
    report.add(t.key, t.reg.base().toString(), round, m);
  }

  /** CPU and RSS of the server around one measured piece of work. */
  private static final class Probe implements AutoCloseable {
    final Target t;
    final double cpu0;
    final ServerProcess.Sampler rss;
    final long t0 = System.nanoTime();
    final long client0 = clientCpuNanos();
    double cpuMs = -1;
    double clientCpuMs = -1;
    double seconds;

    Probe(Target t) {
      this.t = t;
      this.cpu0 = t.proc == null ? -1 : t.proc.cpuMillis();
      this.rss = t.proc == null ? null : t.proc.sampleRss();
    }

    /** Stops the clock and reads the server's CPU. */
    Probe stop() {
      seconds = (System.nanoTime() - t0) / 1e9;
      long c1 = clientCpuNanos();
      clientCpuMs = c1 < 0 || client0 < 0 ? -1 : (c1 - client0) / 1e6;
      if (t.proc != null) {
        double c = t.proc.cpuMillis();
        cpuMs = c < 0 || cpu0 < 0 ? -1 : c - cpu0;
      }
      close();
      return this;
    }

    /** The load tool's own CPU (all its threads), so a reader can see whether the client was the bound. */
    static long clientCpuNanos() {
      return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /** Prints the tool's CPU per GiB for a big-blob figure (stderr only). */
    void printClientCpu(double gib) {
      if (clientCpuMs >= 0) System.err.printf(Locale.ROOT, "  %-34s %-6s     client (this tool) %.0f ms CPU/GiB%n", "", "", clientCpuMs / gib);
    }

    double rssMib() {
      return rss == null ? -1 : rss.peakKib() / 1024.0;
    }

    @Override
    public void close() {
      if (rss != null) rss.close();
    }
  }

  @FunctionalInterface
  interface Op {
    void run() throws Exception;
  }

  record Loop(long count, double seconds, double p50ms, double p99ms) {}

  /** {@code clients} virtual threads repeat {@code op} for {@code seconds}; latency of each call. */
  static Loop loop(int clients, double seconds, Op op) throws Exception {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long t0 = System.nanoTime();
    List<Future<long[]>> fs = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        fs.add(ex.submit(() -> {
          long[] lat = new long[1024];
          int n = 0;
          while (System.nanoTime() < end) {
            long s = System.nanoTime();
            op.run();
            if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
            lat[n++] = System.nanoTime() - s;
          }
          return Arrays.copyOf(lat, n);
        }));
      }
      long[] all = new long[0];
      for (Future<long[]> f : fs) {
        long[] l = get(f);
        long[] m = Arrays.copyOf(all, all.length + l.length);
        System.arraycopy(l, 0, m, all.length, l.length);
        all = m;
      }
      double secs = (System.nanoTime() - t0) / 1e9;
      Arrays.sort(all);
      return new Loop(all.length, secs, pct(all, 0.50), pct(all, 0.99));
    }
  }

  /** {@code clients} virtual threads share {@code n} jobs. */
  static void parallel(int clients, int n, IntOp op) throws Exception {
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> fs = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < clients; i++) {
        fs.add(ex.submit(() -> {
          int j;
          while ((j = next.getAndIncrement()) < n) op.run(j);
          return null;
        }));
      }
      for (Future<?> f : fs) get(f);
    }
  }

  @FunctionalInterface
  interface IntOp {
    void run(int i) throws Exception;
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception x) throw x;
      throw e;
    }
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) return -1;
    int i = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }

  private String repo(String name) {
    return "bench-" + run + "/" + name;
  }

  private long seed() {
    return seeds.incrementAndGet();
  }

  // ------------------------------------------------------------------ startup and limits

  private void startup() throws Exception {
    boolean any = false;
    for (Target t : targets) any |= t.proc != null && t.proc.launched();
    if (!any) return;
    System.err.println("startup to first answered GET /v2/");
    for (int r = 1; r <= o.rounds; r++) {
      for (Target t : targets) {
        if (t.proc == null || !t.proc.launched()) continue;
        double ms = t.proc.start(t.reg::answersPing);
        add(t, r, Measurement.simple("startup to first GET /v2/", "ms", false, ms, "< 1000 ms"));
        if (r < o.rounds) t.proc.stop();
      }
    }
  }

  private void limits() throws Exception {
    System.err.println("physical limits — " + loadavg());
    long n = o.limitBytes;
    report.add("limit", "", 0, Measurement.simple("limit: JDK SHA-256", "MB/s", true, Limits.sha256(n), ""));
    double[] d = Limits.disk(o.scratch, n);
    report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: disk write+fsync", "MB/s", true, d[0], ""));
    report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: disk read (page cache)", "MB/s", true, d[1], ""));
    if (d[2] >= 0) report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: disk read (O_DIRECT)", "MB/s", true, d[2], ""));
    if (d[3] >= 0) report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: disk write O_DIRECT+fsync", "MB/s", true, d[3], ""));
    report.add("limit", "", 0, Measurement.simple("limit: loopback TCP", "MB/s", true, Limits.loopback(Math.max(n, 4 * n)), ""));
    double[] f = Limits.fileOverLoopback(o.scratch, n);
    report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: file→TCP read+write", "MB/s", true, f[0], ""));
    report.add("limit", o.scratch.toString(), 0, Measurement.simple("limit: file→TCP sendfile", "MB/s", true, f[1], ""));
  }

  // ------------------------------------------------------------------ big blobs

  private Measurement pushMono(Target t, int round) throws Exception {
    Payload p = new Payload(o.blobSize, seed());
    Digest d = p.digest(); // outside the clock
    String repo = repo("big");
    t.reg.startUpload(repo); // auth settled, connection warm; the session is left to expire
    try (Probe pr = new Probe(t)) {
      t.reg.pushBlob(repo, p);
      pr.stop().printClientCpu(p.size() / GIB);
      t.state.put("big", p);
      return new Measurement("blob push monolithic " + size(o.blobSize), "MB/s", true, p.size() / 1e6 / pr.seconds,
          p.size() / GIB, "GiB", -1, -1, pr.cpuMs, pr.rssMib(), "≥2×, ≥0.8×min(SHA,disk)");
    }
  }

  private Measurement pushChunked(Target t, int round) throws Exception {
    Payload p = new Payload(o.blobSize, seed());
    p.digest();
    String repo = repo("big");
    try (Probe pr = new Probe(t)) {
      t.reg.pushBlobChunked(repo, p, o.chunkSize);
      pr.stop().printClientCpu(p.size() / GIB);
      return new Measurement("blob push chunked " + size(o.chunkSize) + " PATCH", "MB/s", true, p.size() / 1e6 / pr.seconds,
          p.size() / GIB, "GiB", -1, -1, pr.cpuMs, pr.rssMib(), "≥2×, ≥0.8×min(SHA,disk)");
    }
  }

  private void pullSetup(Target t) {
    if (!t.state.containsKey("big")) {
      Payload p = new Payload(o.blobSize, seed());
      t.reg.pushBlob(repo("big"), p);
      t.state.put("big", p);
    }
    Payload p = (Payload) t.state.get("big");
    t.reg.pullBlob(repo("big"), p.digest(), p.size(), true); // page cache warm, like a registry's hot blobs
  }

  private Measurement pull(Target t, int round, boolean verify) {
    Payload p = (Payload) t.state.get("big");
    try (Probe pr = new Probe(t)) {
      t.reg.pullBlob(repo("big"), p.digest(), p.size(), verify);
      pr.stop().printClientCpu(p.size() / GIB);
      return new Measurement("blob pull " + size(o.blobSize) + (verify ? " +verify" : ""), "MB/s", true,
          p.size() / 1e6 / pr.seconds, p.size() / GIB, "GiB", -1, -1, pr.cpuMs, pr.rssMib(), "≥0.9×loopback");
    }
  }

  // ------------------------------------------------------------------ manifests

  /** A config blob and {@code layers} layer digests+sizes pushed into {@code repo}. */
  private record Image(Digest config, long configSize, List<Digest> layers, List<Long> sizes) {}

  private Image smallImage(Target t, String repo) {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"bench\":\"" + seed() + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    Digest c = t.reg.pushBlob(repo, config);
    byte[] layer = new Payload(1024, seed()).bytes(0, 1024);
    Digest l = t.reg.pushBlob(repo, layer);
    return new Image(c, config.length, List.of(l), List.of(1024L));
  }

  static byte[] manifest(Image img, Map<String, String> annotations) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"schemaVersion\":2,\"mediaType\":\"").append(Registry.OCI_MANIFEST).append("\",")
        .append("\"config\":{\"mediaType\":\"").append(CONFIG_TYPE).append("\",\"digest\":\"").append(img.config())
        .append("\",\"size\":").append(img.configSize()).append("},\"layers\":[");
    for (int i = 0; i < img.layers().size(); i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"mediaType\":\"").append(LAYER_TYPE).append("\",\"digest\":\"").append(img.layers().get(i))
          .append("\",\"size\":").append(img.sizes().get(i)).append('}');
    }
    sb.append(']');
    if (!annotations.isEmpty()) {
      sb.append(",\"annotations\":{");
      int i = 0;
      for (var e : annotations.entrySet()) {
        if (i++ > 0) sb.append(',');
        sb.append(Report.q(e.getKey())).append(':').append(Report.q(e.getValue()));
      }
      sb.append('}');
    }
    return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  private void manifestSetup(Target t) {
    String repo = repo("manifest");
    Image img = smallImage(t, repo);
    byte[] m = manifest(img, Map.of("org.opencontainers.image.title", "berth-bench"));
    Digest d = t.reg.putManifest(repo, "latest", m, Registry.OCI_MANIFEST);
    t.state.put("manifest", d);
    t.state.put("manifestSize", (long) m.length);
    t.reg.headManifest(repo, "latest", d, m.length);
    t.reg.getManifest(repo, "latest", d);
  }

  private Measurement manifestLoop(Target t, String method, int c) throws Exception {
    String repo = repo("manifest");
    Digest d = (Digest) t.state.get("manifest");
    long size = (Long) t.state.get("manifestSize");
    Op op = method.equals("HEAD") ? () -> t.reg.headManifest(repo, "latest", d, size) : () -> t.reg.getManifest(repo, "latest", d);
    loop(c, o.warmup, op);
    try (Probe pr = new Probe(t)) {
      Loop l = loop(c, o.duration, op);
      pr.stop();
      return new Measurement("manifest " + method + " c=" + c, "req/s", true, l.count() / l.seconds(), l.count(), "req",
          l.p50ms(), l.p99ms(), pr.cpuMs, pr.rssMib(), c == 64 ? "≥10×, p99<10ms" : "≥10×");
    }
  }

  private Map<String, String> wrkHeaders(Target t, URI u, String accept) {
    Map<String, String> h = new LinkedHashMap<>();
    if (accept != null) h.put("Accept", accept);
    String auth = t.reg.authorization(u);
    if (auth != null) h.put("Authorization", auth);
    return h;
  }

  /**
   * wrk's own CPU per unit of work (stderr only), so that a reader can see how much of the two
   * cores the generator took, for each registry alike.
   */
  private static void printGeneratorCpu(Wrk.Result w, long units, String unit) {
    if (w.cpuMs() >= 0 && units > 0) {
      System.err.printf(Locale.ROOT, "  %-34s %-6s     generator (wrk) %.3f ms CPU/%s%n", "", "", w.cpuMs() / units, unit);
    }
  }

  private Measurement manifestWrk(Target t, String method, int c) throws Exception {
    URI u = t.reg.uri("/v2/" + repo("manifest") + "/manifests/latest");
    t.reg.getManifest(repo("manifest"), "latest", (Digest) t.state.get("manifest")); // checked once, and a fresh token
    Map<String, String> h = wrkHeaders(t, u, Registry.MANIFEST_ACCEPT);
    if (o.warmup > 0) Wrk.run(u, method, h, c, Math.max(1, o.warmup));
    try (Probe pr = new Probe(t)) {
      Wrk.Result w = Wrk.run(u, method, h, c, o.duration);
      pr.stop();
      printGeneratorCpu(w, w.requests(), "req");
      return new Measurement("manifest " + method + " c=" + c + " [wrk]", "req/s", true, w.rps(), w.requests(), "req",
          w.p50ms(), w.p99ms(), pr.cpuMs, pr.rssMib(), c == 64 ? "≥10×, p99<10ms" : "≥10×");
    }
  }

  // ------------------------------------------------------------------ many small things

  private Measurement smallBlobs(Target t, int round) throws Exception {
    String repo = repo("small-r" + round);
    int n = o.smallBlobs;
    byte[][] blobs = new byte[n][];
    Digest[] digests = new Digest[n];
    for (int i = 0; i < n; i++) {
      blobs[i] = new Payload(o.smallBlobSize, seed()).bytes(0, o.smallBlobSize);
      digests[i] = Digest.sha256(blobs[i]);
    }
    t.reg.checkBase();
    if (round == 1 && o.warmupOps > 0) { // the server's first pushes after its start, reported on their own
      String warm = repo("small-warmup");
      byte[][] wb = new byte[o.warmupOps][];
      for (int i = 0; i < wb.length; i++) wb[i] = new Payload(o.smallBlobSize, seed()).bytes(0, o.smallBlobSize);
      try (Probe pr = new Probe(t)) {
        parallel(o.clients, wb.length, i -> t.reg.pushBlob(warm, wb[i]));
        pr.stop();
        add(t, 1, new Measurement("small blobs: first " + wb.length + " after start (warm-up)", "blobs/s", true,
            wb.length / pr.seconds, wb.length, "blob", -1, -1, pr.cpuMs, pr.rssMib(), "reported"));
      }
    }
    try (Probe pr = new Probe(t)) {
      parallel(o.clients, n, i -> t.reg.pushBlob(repo, digests[i], java.net.http.HttpRequest.BodyPublishers.ofByteArray(blobs[i])));
      pr.stop();
      return new Measurement("small blobs " + size(o.smallBlobSize) + " ×" + n + " c=" + o.clients, "blobs/s", true,
          n / pr.seconds, n, "blob", -1, -1, pr.cpuMs, pr.rssMib(), "≥5×");
    }
  }

  /**
   * Small blobs pushed by wrk for a fixed time, each a POST and a PUT {@code ?digest=} with the
   * body, one connection per wrk thread; the JDK client would be the bottleneck here.
   */
  private Measurement smallBlobsWrk(Target t, int round) throws Exception {
    int c = o.clients;
    if (o.warmup > 0) {
      String warm = repo("small-wrk-warmup");
      try (WrkPush.Prepared w = WrkPush.smallBlobs(warm, o.smallBlobSize, c, o.warmup, this::seed)) {
        Wrk.script(t.reg.base(), w.lua(), uploadHeaders(t, warm), c, c, o.warmup, "small blobs (warm-up)");
      }
    }
    String repo = repo("small-wrk-r" + round);
    try (WrkPush.Prepared w = WrkPush.smallBlobs(repo, o.smallBlobSize, c, o.duration, this::seed)) {
      Map<String, String> h = uploadHeaders(t, repo);
      try (Probe pr = new Probe(t)) {
        Wrk.Scripted s = Wrk.script(t.reg.base(), w.lua(), h, c, c, o.duration, "small blobs");
        pr.stop();
        printGeneratorCpu(s.http(), s.units(), "blob");
        return new Measurement("small blobs " + size(o.smallBlobSize) + " c=" + c + " [wrk]", "blobs/s", true,
            s.units() / s.seconds(), s.units(), "blob", -1, -1, pr.cpuMs, pr.rssMib(), "≥5×");
      }
    }
  }

  /** Headers for wrk's uploads to {@code repo}: one blob pushed first gets a push token where one is needed. */
  private Map<String, String> uploadHeaders(Target t, String repo) {
    t.reg.pushBlob(repo, new Payload(o.smallBlobSize, seed()).bytes(0, o.smallBlobSize));
    return wrkHeaders(t, t.reg.uri("/v2/" + repo + "/blobs/uploads/"), null);
  }

  /** Distinct manifests PUT by tag by wrk for a fixed time; then the tag list must hold them all. */
  private Measurement tagPushWrk(Target t, int round) throws Exception {
    int c = o.clients;
    if (o.warmup > 0) {
      String warm = repo("tags-wrk-warmup");
      Wrk.script(t.reg.base(), tagScript(t, warm), wrkHeaders(t, t.reg.uri("/v2/" + warm + "/manifests/x"), null),
          Math.min(2, c), c, o.warmup, "tag push (warm-up)");
    }
    String repo = repo("tags-wrk-r" + round);
    String lua = tagScript(t, repo);
    Map<String, String> h = wrkHeaders(t, t.reg.uri("/v2/" + repo + "/manifests/x"), null);
    Wrk.Scripted s;
    double cpuMs;
    double rss;
    try (Probe pr = new Probe(t)) {
      s = Wrk.script(t.reg.base(), lua, h, Math.min(2, c), c, o.duration, "tag push");
      pr.stop();
      printGeneratorCpu(s.http(), s.units(), "tag");
      cpuMs = pr.cpuMs;
      rss = pr.rssMib();
    }
    // requests still in flight when wrk stopped may have landed without being counted
    int tags = t.reg.countTags(repo);
    if (tags < s.units() || tags > s.units() + c) {
      throw new CheckFailed("tag push [wrk] on " + t.reg.base() + ": wrk counted " + s.units() + " tags pushed, the tag list has " + tags);
    }
    return new Measurement("tag push c=" + c + " [wrk]", "tags/s", true, s.units() / s.seconds(), s.units(), "tag",
        s.http().p50ms(), s.http().p99ms(), cpuMs, rss, "≥5×");
  }

  private String tagScript(Target t, String repo) {
    Image img = smallImage(t, repo);
    String m = new String(manifest(img, Map.of("dev.berth.bench.n", "@N@")), StandardCharsets.UTF_8);
    return WrkPush.tagPush(repo, m, Registry.OCI_MANIFEST);
  }

  private List<byte[]> tagManifests(Image img, int n) {
    List<byte[]> ms = new ArrayList<>(n);
    for (int i = 0; i < n; i++) ms.add(manifest(img, Map.of("dev.berth.bench.n", Integer.toString(i))));
    return ms;
  }

  private static String tag(int i) {
    return String.format(Locale.ROOT, "v%04d", i);
  }

  private Measurement tagPush(Target t, int round) throws Exception {
    String repo = repo("tags-r" + round);
    Image img = smallImage(t, repo);
    List<byte[]> ms = tagManifests(img, o.tags);
    if (round == 1 && o.warmupOps > 0) { // the server's first tag pushes after its start, reported on their own
      String warm = repo("tags-warmup");
      Image wi = smallImage(t, warm);
      List<byte[]> wm = tagManifests(wi, o.warmupOps);
      try (Probe pr = new Probe(t)) {
        parallel(o.clients, wm.size(), i -> t.reg.putManifest(warm, tag(i), wm.get(i), Registry.OCI_MANIFEST));
        pr.stop();
        add(t, 1, new Measurement("tag push: first " + wm.size() + " after start (warm-up)", "tags/s", true,
            wm.size() / pr.seconds, wm.size(), "tag", -1, -1, pr.cpuMs, pr.rssMib(), "reported"));
      }
    }
    try (Probe pr = new Probe(t)) {
      parallel(o.clients, o.tags, i -> t.reg.putManifest(repo, tag(i), ms.get(i), Registry.OCI_MANIFEST));
      pr.stop();
      return new Measurement("tag push ×" + o.tags + " c=" + o.clients, "tags/s", true, o.tags / pr.seconds, o.tags, "tag",
          -1, -1, pr.cpuMs, pr.rssMib(), "≥5×");
    }
  }

  private void tagListSetup(Target t) throws Exception {
    String repo = repo("taglist");
    Image img = smallImage(t, repo);
    List<byte[]> ms = tagManifests(img, o.tags);
    parallel(o.clients, o.tags, i -> t.reg.putManifest(repo, tag(i), ms.get(i), Registry.OCI_MANIFEST));
    t.reg.listTags(repo, o.tags);
  }

  private Measurement tagList(Target t, int c) throws Exception {
    String repo = repo("taglist");
    Op op = () -> t.reg.listTags(repo, o.tags);
    loop(c, o.warmup, op);
    try (Probe pr = new Probe(t)) {
      Loop l = loop(c, o.duration, op);
      pr.stop();
      return new Measurement("tag list " + o.tags + " tags c=" + c, "req/s", true, l.count() / l.seconds(), l.count(), "req",
          l.p50ms(), l.p99ms(), pr.cpuMs, pr.rssMib(), "≥10×");
    }
  }

  private Measurement tagListWrk(Target t, int c) throws Exception {
    URI u = t.reg.uri("/v2/" + repo("taglist") + "/tags/list");
    t.reg.listTags(repo("taglist"), o.tags); // checked once, and a fresh token
    Map<String, String> h = wrkHeaders(t, u, null);
    if (o.warmup > 0) Wrk.run(u, "GET", h, c, Math.max(1, o.warmup));
    try (Probe pr = new Probe(t)) {
      Wrk.Result w = Wrk.run(u, "GET", h, c, o.duration);
      pr.stop();
      printGeneratorCpu(w, w.requests(), "req");
      return new Measurement("tag list " + o.tags + " tags c=" + c + " [wrk]", "req/s", true, w.rps(), w.requests(), "req",
          w.p50ms(), w.p99ms(), pr.cpuMs, pr.rssMib(), "≥10×");
    }
  }

  // ------------------------------------------------------------------ whole images

  private Measurement images(Target t, int round) throws Exception {
    int n = o.images;
    Payload[][] layers = new Payload[n][o.layers];
    byte[][] configs = new byte[n][];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < o.layers; j++) {
        layers[i][j] = new Payload(o.layerSize, seed());
        layers[i][j].digest();
      }
      configs[i] = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"bench\":\"" + seed() + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
    for (int i = 0; i < n; i++) t.reg.startUpload(repo("img-r" + round + "-" + i)); // settle auth, open connections
    try (Probe pr = new Probe(t)) {
      parallel(n, n, i -> {
        String repo = repo("img-r" + round + "-" + i);
        Digest c = t.reg.pushBlob(repo, configs[i]);
        List<Digest> ds = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        for (Payload p : layers[i]) {
          t.reg.pushBlob(repo, p.digest(), p.publisher());
          ds.add(p.digest());
          sizes.add(p.size());
        }
        t.reg.putManifest(repo, "latest", manifest(new Image(c, configs[i].length, ds, sizes), Map.of()), Registry.OCI_MANIFEST);
      });
      pr.stop();
      double gib = n * o.layers * o.layerSize / GIB;
      return new Measurement("image push ×" + n + " parallel (" + o.layers + "×" + size(o.layerSize) + ")", "images/s", true,
          n / pr.seconds, gib, "GiB", -1, -1, pr.cpuMs, pr.rssMib(), "≥1.5×");
    }
  }

  static String size(long bytes) {
    if (bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
    if (bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
    if (bytes % (1L << 10) == 0) return (bytes >> 10) + " KiB";
    return bytes + " B";
  }
}
