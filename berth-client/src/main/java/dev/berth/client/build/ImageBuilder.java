package dev.berth.client.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.Location;
import dev.berth.client.RegistryClient;
import dev.berth.client.build.Dockerfile.Instruction;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.BlobSource;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Platform;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.MediaType;
import dev.berth.oci.manifest.ParsedManifest;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * {@code berth build}: a daemonless, reproducible image build for Dockerfiles that need no
 * container runtime. {@code FROM} (an image or {@code scratch}), {@code COPY}/{@code ADD} of local
 * files (and {@code COPY --from} another stage or image), {@code ENV}, {@code ARG},
 * {@code WORKDIR}, {@code USER}, {@code LABEL}, {@code EXPOSE}, {@code ENTRYPOINT}, {@code CMD},
 * {@code SHELL}, {@code VOLUME}, {@code STOPSIGNAL}. Each {@code COPY}/{@code ADD} is one gzip
 * layer with sorted entries, a fixed mtime ({@code SOURCE_DATE_EPOCH}, else 0), no user names, and
 * owner 0:0 unless {@code --chown}; the config's times are the same fixed time. So the same
 * inputs give the same manifest digest, whatever the files' mtimes. {@code RUN} is refused.
 */
public final class ImageBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> WILDCARDS = Set.of("*", "?", "[");

  /**
   * @param context the build context directory
   * @param dockerfile the Dockerfile (default {@code CONTEXT/Dockerfile})
   * @param buildArgs {@code --build-arg} values
   * @param platform the platform to pick from multi-platform base images (and to write for scratch)
   * @param target the stage to build (null: the last)
   * @param epoch the fixed time of layer entries and config, in seconds (SOURCE_DATE_EPOCH)
   */
  public record Options(Path context, Path dockerfile, Map<String, String> buildArgs, Platform platform, String target, long epoch) {
    public Options {
      buildArgs = Map.copyOf(buildArgs);
      if (dockerfile == null) dockerfile = context.resolve("Dockerfile");
      if (platform == null) platform = new Platform("linux", "amd64", null);
    }
  }

  private record Layer(Descriptor descriptor, Digest diffId, BlobSource source, Map<String, FsTree.Node> entries) {}

  private final class Stage {
    final String name;
    final int index;
    final Instruction from;
    final List<Instruction> body = new ArrayList<>();
    boolean built;
    boolean docker;
    ObjectNode config;
    ArrayNode history;
    List<Layer> layers = new ArrayList<>();
    Optional<ImageSource.RemoteLocation> remote = Optional.empty();
    final Map<String, String> args = new LinkedHashMap<>();
    final LinkedHashMap<String, String> env = new LinkedHashMap<>();
    List<String> shell = List.of("/bin/sh", "-c");
    boolean cmdSet;
    FsTree tree;

    Stage(String name, int index, Instruction from) {
      this.name = name;
      this.index = index;
      this.from = from;
    }

    ObjectNode cfg() {
      return (ObjectNode) config.get("config");
    }

    Map<String, String> vars() {
      Map<String, String> v = new HashMap<>(args);
      v.putAll(env);
      return v;
    }
  }

  private final Function<String, ImageSource> open;
  private final Options options;
  private final Path tmp;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<String, String> globalArgs = new LinkedHashMap<>();
  private final List<Stage> stages = new ArrayList<>();
  private final Map<String, Stage> imageStages = new HashMap<>();
  private final String created;
  private Dockerfile dockerfile;
  private FsTree context;
  private DockerIgnore ignore;
  private int tmpCounter;

  ImageBuilder(Function<String, ImageSource> open, Options options) throws IOException {
    this.open = open;
    this.options = options;
    this.tmp = Files.createTempDirectory("berth-build");
    this.created = Instant.ofEpochSecond(options.epoch()).toString();
  }

  /** Builds the image; base images are read through {@code client} (any registry, or oci:/docker-archive:). */
  public static BuiltImage build(RegistryClient client, Options options) {
    return build(ref -> client.open(Location.parse(ref)), options);
  }

  static BuiltImage build(Function<String, ImageSource> open, Options options) {
    ImageBuilder b;
    try {
      b = new ImageBuilder(open, options);
    } catch (IOException e) {
      throw io("create a temporary directory", e);
    }
    try {
      return b.run();
    } catch (RuntimeException e) {
      b.closeAll();
      throw e;
    }
  }

  private void closeAll() {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    deleteTree(tmp);
  }

  private BuiltImage run() {
    String name = options.dockerfile().getFileName() == null ? "Dockerfile" : options.dockerfile().toString();
    if (!Files.isDirectory(options.context())) {
      throw ClientException.of(Category.NOT_FOUND, "build " + options.context(), "the build context is not a directory", "name the directory that holds the files to COPY");
    }
    try {
      dockerfile = Dockerfile.parse(Files.readString(options.dockerfile()), name);
      ignore = DockerIgnore.read(options.context());
    } catch (IOException e) {
      throw ClientException.builder(Category.LOCAL_IO, "read " + name).why(e.toString()).cause(e)
          .remedy("name the Dockerfile with -f, or put one in the build context").build();
    }
    split();
    Stage target = stages.get(stages.size() - 1);
    if (options.target() != null) {
      target = stages.stream().filter(s -> options.target().equalsIgnoreCase(s.name)).findFirst()
          .orElseThrow(() -> ClientException.of(Category.USAGE, "build " + dockerfile.file(), "there is no stage named " + options.target(),
              "name one of: " + stages.stream().map(s -> s.name).filter(java.util.Objects::nonNull).toList()));
    }
    buildStage(target);
    return assemble(target);
  }

  /** Global ARGs, then stages (FROM and what follows it). */
  private void split() {
    Stage cur = null;
    for (Instruction in : dockerfile.instructions()) {
      if (in.keyword().equals("FROM")) {
        List<String> w = words(in, in.args(), globalArgs);
        List<String> rest = w.stream().filter(s -> !s.startsWith("--")).toList();
        String stageName = null;
        if (rest.size() == 3 && rest.get(1).equalsIgnoreCase("AS")) stageName = rest.get(2).toLowerCase(Locale.ROOT);
        else if (rest.size() != 1) throw Dockerfile.error(in, "expected FROM [--platform=P] IMAGE [AS NAME]", null);
        cur = new Stage(stageName, stages.size(), in);
        stages.add(cur);
      } else if (cur == null) {
        if (!in.keyword().equals("ARG")) throw Dockerfile.error(in, "only ARG may come before the first FROM", "start the Dockerfile with FROM IMAGE (or FROM scratch)");
        for (String a : words(in, in.args(), globalArgs)) {
          int eq = a.indexOf('=');
          String k = eq < 0 ? a : a.substring(0, eq);
          String v = options.buildArgs().containsKey(k) ? options.buildArgs().get(k) : eq < 0 ? predefined(k) : a.substring(eq + 1);
          globalArgs.put(k, v);
        }
      } else {
        cur.body.add(in);
      }
    }
    if (stages.isEmpty()) throw Dockerfile.error(dockerfile.file(), 1, "there is no FROM", "start the Dockerfile with FROM IMAGE (or FROM scratch)");
  }

  private Stage stageNamed(String ref, Instruction at) {
    String r = ref.toLowerCase(Locale.ROOT);
    for (Stage s : stages) {
      if (s == null) continue;
      if (r.equals(s.name) || (r.matches("\\d+") && Integer.parseInt(r) == s.index)) return s;
    }
    return null;
  }

  private void buildStage(Stage s) {
    if (s.built) return;
    s.built = true;
    Instruction from = s.from;
    List<String> w = words(from, from.args(), globalArgs).stream().filter(x -> !x.startsWith("--")).toList();
    String base = w.get(0);
    if (base.equals("scratch")) {
      s.docker = false;
      s.config = JSON.createObjectNode();
      s.config.put("architecture", options.platform().architecture());
      s.config.put("os", options.platform().os());
      if (options.platform().variant() != null) s.config.put("variant", options.platform().variant());
      s.config.set("config", JSON.createObjectNode());
      s.history = JSON.createArrayNode();
    } else {
      Stage parent = stageNamed(base, from);
      if (parent != null && parent.index < s.index) {
        buildStage(parent);
        inherit(s, parent);
      } else {
        pull(s, base, from);
      }
    }
    JsonNode envs = s.cfg().path("Env");
    for (JsonNode e : envs) {
      String kv = e.asText();
      int eq = kv.indexOf('=');
      if (eq > 0) s.env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    for (Instruction in : s.body) step(s, in);
  }

  private void inherit(Stage s, Stage parent) {
    s.docker = parent.docker;
    s.config = parent.config.deepCopy();
    s.history = parent.history.deepCopy();
    s.layers = new ArrayList<>(parent.layers);
    s.remote = parent.remote;
  }

  private void pull(Stage s, String ref, Instruction at) {
    String what = "build " + at.file() + ", line " + at.line() + ": FROM " + ref;
    ImageSource src;
    try {
      src = open.apply(ref);
    } catch (ClientException e) {
      throw e.during(what);
    }
    resources.add(src);
    try {
      Manifest m = src.root();
      if (m.isIndex()) {
        Platform want = options.platform();
        ParsedManifest pi = m.parsed();
        Descriptor child = pi.manifests().stream().filter(d -> want.matches(d.platform())).findFirst()
            .orElseThrow(() -> ClientException.of(Category.NOT_FOUND, what, "the image has no " + want + " variant; it has "
                + pi.manifests().stream().map(d -> String.valueOf(d.platform())).toList(), "choose one with --platform"));
        m = src.manifest(child);
      }
      ParsedManifest pm = m.parsed();
      s.docker = MediaType.DOCKER_MANIFEST.equals(m.mediaType());
      Descriptor cd = pm.config();
      byte[] cfg;
      try (InputStream in = src.blob(cd).open(0)) {
        cfg = in.readNBytes((int) Math.min(cd.size() + 1, 64L << 20));
      }
      if (cfg.length != cd.size() || !Digest.of(cd.digest().algorithm(), cfg).equals(cd.digest())) {
        throw ClientException.of(Category.INTEGRITY, what, "the image config does not match its digest " + cd.digest(), "retry");
      }
      s.config = (ObjectNode) JSON.readTree(cfg);
      if (!(s.config.get("config") instanceof ObjectNode)) s.config.set("config", JSON.createObjectNode());
      s.history = s.config.get("history") instanceof ArrayNode h ? h : JSON.createArrayNode();
      JsonNode diffIds = s.config.path("rootfs").path("diff_ids");
      List<Descriptor> layers = pm.layers();
      if (diffIds.size() != layers.size()) throw ClientException.of(Category.INTEGRITY, what, "the config has " + diffIds.size() + " diff_ids for " + layers.size() + " layers", null);
      for (int i = 0; i < layers.size(); i++) {
        s.layers.add(new Layer(layers.get(i), Digest.parse(diffIds.get(i).asText()), src.blob(layers.get(i)), null));
      }
      s.remote = src.remoteLocation();
    } catch (IOException e) {
      throw ClientException.builder(Category.NETWORK, what).why(e.toString()).cause(e).build();
    }
  }

  private void step(Stage s, Instruction in) {
    ObjectNode c = s.cfg();
    boolean layer = false;
    switch (in.keyword()) {
      case "RUN" -> throw Dockerfile.error(in, "berth build runs no container, so it cannot run commands: it builds reproducibly from files only",
          "do this step before the build (let Maven/Gradle or a script stage the files into the context) and COPY the result; "
              + "for packages start FROM an image that has them; or build this Dockerfile with docker build / buildah");
      case "ARG" -> {
        for (String a : words(in, in.args(), s.vars())) {
          int eq = a.indexOf('=');
          String k = eq < 0 ? a : a.substring(0, eq);
          String v;
          if (options.buildArgs().containsKey(k)) v = options.buildArgs().get(k);
          else if (eq >= 0) v = a.substring(eq + 1);
          else if (globalArgs.containsKey(k)) v = globalArgs.get(k);
          else v = predefined(k);
          s.args.put(k, v);
        }
      }
      case "ENV" -> {
        Map<String, String> vars = s.vars();
        for (Map.Entry<String, String> e : pairs(in, vars).entrySet()) s.env.put(e.getKey(), e.getValue());
        ArrayNode a = JSON.createArrayNode();
        s.env.forEach((k, v) -> a.add(k + "=" + v));
        c.set("Env", a);
      }
      case "LABEL" -> {
        TreeMap<String, String> labels = new TreeMap<>();
        c.path("Labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        labels.putAll(pairs(in, s.vars()));
        ObjectNode o = JSON.createObjectNode();
        labels.forEach(o::put);
        c.set("Labels", o);
      }
      case "MAINTAINER" -> s.config.put("author", in.args());
      case "WORKDIR" -> {
        String dir = Dockerfile.word(in.args(), s.vars()).strip();
        if (dir.isEmpty()) throw Dockerfile.error(in, "needs a directory", null);
        String cur = c.path("WorkingDir").asText("");
        String abs = dir.startsWith("/") ? dir : (cur.isEmpty() ? "/" : cur) + "/" + dir;
        c.put("WorkingDir", "/" + FsTree.normalize(abs));
      }
      case "USER" -> {
        String u = Dockerfile.word(in.args(), s.vars()).strip();
        if (u.isEmpty()) throw Dockerfile.error(in, "needs a user (name or uid, optionally :group)", null);
        c.put("User", u);
      }
      case "EXPOSE" -> {
        TreeMap<String, Boolean> ports = new TreeMap<>();
        c.path("ExposedPorts").fieldNames().forEachRemaining(p -> ports.put(p, true));
        for (String p : words(in, in.args(), s.vars())) {
          String port = p.contains("/") ? p.toLowerCase(Locale.ROOT) : p + "/tcp";
          if (!port.matches("\\d+(-\\d+)?/(tcp|udp|sctp)")) throw Dockerfile.error(in, "\"" + p + "\" is not a port (PORT or PORT/tcp, PORT/udp)", null);
          ports.put(port, true);
        }
        ObjectNode o = JSON.createObjectNode();
        ports.keySet().forEach(p -> o.set(p, JSON.createObjectNode()));
        c.set("ExposedPorts", o);
      }
      case "VOLUME" -> {
        TreeMap<String, Boolean> vols = new TreeMap<>();
        c.path("Volumes").fieldNames().forEachRemaining(p -> vols.put(p, true));
        List<String> list = jsonArray(in).orElseGet(() -> words(in, in.args(), s.vars()));
        for (String v : list) vols.put(v, true);
        ObjectNode o = JSON.createObjectNode();
        vols.keySet().forEach(p -> o.set(p, JSON.createObjectNode()));
        c.set("Volumes", o);
      }
      case "STOPSIGNAL" -> c.put("StopSignal", Dockerfile.word(in.args(), s.vars()).strip());
      case "SHELL" -> s.shell = jsonArray(in).orElseThrow(() -> Dockerfile.error(in, "needs the JSON form, as in SHELL [\"/bin/sh\", \"-c\"]", null));
      case "ENTRYPOINT" -> {
        c.set("Entrypoint", command(s, in));
        if (!s.cmdSet) c.remove("Cmd"); // as docker: a CMD inherited from the base image does not survive a new ENTRYPOINT
      }
      case "CMD" -> {
        c.set("Cmd", command(s, in));
        s.cmdSet = true;
      }
      case "COPY", "ADD" -> {
        copy(s, in);
        layer = true;
      }
      case "FROM" -> throw new IllegalStateException("FROM inside a stage");
      case "HEALTHCHECK", "ONBUILD" -> throw Dockerfile.error(in, "berth build does not support " + in.keyword() + " yet", "remove it, or build this Dockerfile with docker build");
      default -> throw Dockerfile.error(in, "unknown instruction", "see https://docs.docker.com/reference/dockerfile/");
    }
    ObjectNode h = JSON.createObjectNode();
    h.put("created", created);
    h.put("created_by", in.keyword() + " " + in.args());
    h.put("comment", "berth build");
    if (!layer) h.put("empty_layer", true);
    s.history.add(h);
  }

  private String predefined(String k) {
    Platform p = options.platform();
    return switch (k) {
      case "TARGETPLATFORM", "BUILDPLATFORM" -> p.toString();
      case "TARGETOS", "BUILDOS" -> p.os();
      case "TARGETARCH", "BUILDARCH" -> p.architecture();
      case "TARGETVARIANT", "BUILDVARIANT" -> p.variant() == null ? "" : p.variant();
      default -> null;
    };
  }

  private ArrayNode command(Stage s, Instruction in) {
    ArrayNode a = JSON.createArrayNode();
    Optional<List<String>> json = jsonArray(in);
    if (json.isPresent()) {
      json.get().forEach(a::add);
    } else {
      s.shell.forEach(a::add);
      a.add(in.args());
    }
    return a;
  }

  private static Optional<List<String>> jsonArray(Instruction in) {
    String a = in.args().strip();
    if (!a.startsWith("[")) return Optional.empty();
    try {
      JsonNode n = JSON.readTree(a);
      if (!n.isArray()) return Optional.empty();
      List<String> out = new ArrayList<>();
      for (JsonNode e : n) {
        if (!e.isTextual()) return Optional.empty();
        out.add(e.asText());
      }
      return Optional.of(out);
    } catch (IOException e) {
      return Optional.empty(); // not JSON: the shell form, as docker treats it
    }
  }

  private static List<String> words(Instruction in, String s, Map<String, String> vars) {
    try {
      return Dockerfile.words(s, vars);
    } catch (IllegalArgumentException e) {
      throw Dockerfile.error(in, e.getMessage(), null);
    }
  }

  /** {@code K=V K2="v 2"}, or the legacy {@code K V...} form. */
  private static Map<String, String> pairs(Instruction in, Map<String, String> vars) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> raw = words(in, in.args(), null);
    if (raw.isEmpty()) throw Dockerfile.error(in, "needs KEY=VALUE", null);
    if (!raw.get(0).contains("=")) {
      String args = in.args().strip();
      int sp = 0;
      while (sp < args.length() && !Character.isWhitespace(args.charAt(sp))) sp++;
      String value = args.substring(sp).strip();
      out.put(raw.get(0), Dockerfile.word(value, vars));
      return out;
    }
    for (String w : words(in, in.args(), vars)) {
      int eq = w.indexOf('=');
      if (eq <= 0) throw Dockerfile.error(in, "\"" + w + "\" is not KEY=VALUE", "quote values with spaces: KEY=\"a b\"");
      out.put(w.substring(0, eq), w.substring(eq + 1));
    }
    return out;
  }

  // ---- COPY / ADD ----

  private void copy(Stage s, Instruction in) {
    Map<String, String> vars = s.vars();
    List<String> w = new ArrayList<>(words(in, in.args(), vars));
    String from = null, chown = null, chmod = null;
    while (!w.isEmpty() && w.get(0).startsWith("--")) {
      String f = w.remove(0);
      int eq = f.indexOf('=');
      String k = eq < 0 ? f : f.substring(0, eq);
      String v = eq < 0 ? "" : f.substring(eq + 1);
      switch (k) {
        case "--from" -> from = v;
        case "--chown" -> chown = v;
        case "--chmod" -> chmod = v;
        case "--link" -> { /* every layer is independent of the ones below it anyway */ }
        default -> throw Dockerfile.error(in, "berth build does not support the flag " + k, null);
      }
    }
    String rest = in.args().strip();
    while (rest.startsWith("--")) rest = rest.replaceFirst("^--\\S+\\s*", "");
    Optional<List<String>> json = jsonArray(new Instruction(in.file(), in.line(), in.keyword(), rest));
    List<String> args = json.map(l -> l.stream().map(x -> Dockerfile.word(x, vars)).toList()).orElse(w);
    if (args.size() < 2) throw Dockerfile.error(in, "needs at least one source and a destination", null);
    List<String> sources = args.subList(0, args.size() - 1);
    String dest = args.get(args.size() - 1);

    FsTree tree = from == null ? contextTree() : fromTree(from, in);
    String fromWhat = from == null ? "the build context" : "--from=" + from;
    List<String> matched = new ArrayList<>();
    for (String src : sources) {
      if (src.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
        throw Dockerfile.error(in, "berth build does not download URLs (" + src + "): a build would then depend on what a server returns that day",
            "download it before the build (checking its checksum) into the context, and COPY it");
      }
      String p = FsTree.normalize(src);
      if (WILDCARDS.stream().anyMatch(p::contains)) {
        List<String> g = tree.glob(p);
        if (g.isEmpty()) throw Dockerfile.error(in, "no file in " + fromWhat + " matches " + src, from == null ? "check the path and .dockerignore" : null);
        matched.addAll(g);
      } else {
        if (!p.isEmpty() && tree.get(tree.resolve(p)) == null) {
          throw Dockerfile.error(in, src + ": not found in " + fromWhat + (from == null ? " (or excluded by .dockerignore)" : ""),
              from == null ? "paths are relative to the context directory " + options.context() : null);
        }
        matched.add(p);
      }
    }
    boolean destDir = dest.endsWith("/") || dest.equals(".") || dest.endsWith("/.");
    if (sources.size() > 1 || matched.size() > 1) {
      if (!destDir) throw Dockerfile.error(in, "with more than one source, the destination must be a directory ending in /", "write " + dest + "/");
    }
    String wd = s.cfg().path("WorkingDir").asText("");
    String destAbs = FsTree.normalize(dest.startsWith("/") ? dest : (wd.isEmpty() ? "/" : wd) + "/" + dest);

    int[] owner = chown == null ? new int[] {0, 0} : owner(s, chown, in);
    Integer mode = null;
    if (chmod != null) {
      if (!chmod.matches("[0-7]{3,4}")) throw Dockerfile.error(in, "--chmod=" + chmod + " is not an octal mode", "write it as --chmod=0755 or --chmod=644");
      mode = Integer.parseInt(chmod, 8);
    }
    TreeMap<String, FsTree.Node> out = new TreeMap<>();
    for (String sp : matched) {
      String real = sp.isEmpty() ? "" : tree.resolve(sp);
      FsTree.Node n = real.isEmpty() ? new FsTree.Node('5', 0755, 0, 0, 0, "", null) : tree.get(real);
      if (n.isDir()) {
        if (!destAbs.isEmpty()) out.put(destAbs, adjust(n, owner, mode));
        for (var e : tree.children(real).entrySet()) {
          out.put(destAbs.isEmpty() ? e.getKey() : destAbs + "/" + e.getKey(), adjust(e.getValue(), owner, mode));
        }
      } else {
        if (in.keyword().equals("ADD") && isArchive(n)) {
          throw Dockerfile.error(in, sp + " is an archive, which ADD would unpack; berth build does not unpack archives",
              "unpack it into the context before the build and COPY the directory (or COPY the archive to keep it packed)");
        }
        String base = sp.substring(sp.lastIndexOf('/') + 1);
        String target = destDir ? (destAbs.isEmpty() ? base : destAbs + "/" + base) : destAbs;
        if (target.isEmpty()) throw Dockerfile.error(in, "cannot copy a file onto /", "end the destination with / to copy into a directory");
        out.put(target, adjust(n, owner, mode));
      }
    }
    for (String p : new ArrayList<>(out.keySet())) {
      for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
        out.putIfAbsent(p.substring(0, i), new FsTree.Node('5', 0755, 0, 0, 0, "", null));
      }
    }
    s.layers.add(writeLayer(s, out, in));
    if (s.tree != null) apply(s.tree, out);
  }

  private static FsTree.Node adjust(FsTree.Node n, int[] owner, Integer mode) {
    int m = mode != null && n.type() != '2' ? mode : n.mode();
    return n.with(m, owner[0], owner[1]);
  }

  private static boolean isArchive(FsTree.Node n) {
    if (n.type() != '0' || n.size() < 4) return false;
    try (InputStream in = n.content().open()) {
      byte[] h = in.readNBytes(263);
      if (h.length >= 2 && (h[0] & 0xff) == 0x1f && (h[1] & 0xff) == 0x8b) return true;
      if (h.length >= 3 && h[0] == 'B' && h[1] == 'Z' && h[2] == 'h') return true;
      if (h.length >= 6 && (h[0] & 0xff) == 0xfd && h[1] == '7' && h[2] == 'z' && h[3] == 'X' && h[4] == 'Z') return true;
      return h.length >= 262 && new String(h, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar");
    } catch (IOException e) {
      return false;
    }
  }

  private int[] owner(Stage s, String chown, Instruction in) {
    String[] ug = chown.split(":", 2);
    Integer uid = ug[0].matches("\\d+") ? Integer.valueOf(ug[0]) : null;
    Integer gid = ug.length == 2 && ug[1].matches("\\d+") ? Integer.valueOf(ug[1]) : null;
    if (uid == null) uid = lookup(s, "etc/passwd", ug[0], in);
    if (ug.length == 1) gid = uid;
    else if (gid == null) gid = lookup(s, "etc/group", ug[1], in);
    return new int[] {uid, gid};
  }

  private int lookup(Stage s, String file, String name, Instruction in) {
    FsTree t = stageTree(s);
    FsTree.Node n = t.get(t.resolve(file));
    String fix = "use numeric ids, as in --chown=1000:1000";
    if (n == null || n.type() != '0') throw Dockerfile.error(in, "--chown names \"" + name + "\" but the image has no /" + file, fix);
    try (InputStream is = n.content().open()) {
      for (String l : new String(is.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        String[] f = l.split(":");
        if (f.length >= 3 && f[0].equals(name) && f[2].matches("\\d+")) return Integer.parseInt(f[2]);
      }
    } catch (IOException e) {
      throw io("read /" + file, e);
    }
    throw Dockerfile.error(in, "--chown names \"" + name + "\", which is not in the image's /" + file, fix);
  }

  private FsTree fromTree(String from, Instruction in) {
    Stage st = stageNamed(from, in);
    if (st != null) {
      if (st.index >= stages.indexOf(stages.stream().filter(x -> x.body.contains(in)).findFirst().orElse(null))) {
        throw Dockerfile.error(in, "--from=" + from + " names this stage or a later one", "COPY --from an earlier stage");
      }
    } else {
      st = imageStages.get(from);
      if (st == null) {
        st = new Stage(null, -1, new Instruction(in.file(), in.line(), "FROM", from));
        imageStages.put(from, st);
      }
    }
    buildStage(st);
    return stageTree(st);
  }

  private FsTree stageTree(Stage s) {
    if (s.tree != null) return s.tree;
    FsTree t = new FsTree();
    for (Layer l : s.layers) {
      if (l.entries() != null) apply(t, l.entries());
      else extract(t, l);
    }
    s.tree = t;
    return t;
  }

  private static void apply(FsTree t, Map<String, FsTree.Node> entries) {
    entries.forEach((p, n) -> {
      FsTree.Node old = t.get(p);
      if (old != null && old.isDir() && !n.isDir()) t.removeTree(p);
      t.put(p, n);
    });
  }

  private void extract(FsTree t, Layer l) {
    Path dir = tmp.resolve("extract");
    try {
      Files.createDirectories(dir);
      try (InputStream raw = new BufferedInputStream(l.source().open(0), 1 << 16)) {
        raw.mark(4);
        int b1 = raw.read();
        int b2 = raw.read();
        raw.reset();
        InputStream in = b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
        LayerTar.read(in, (e, data) -> {
          String p = FsTree.normalize(e.name());
          String base = p.substring(p.lastIndexOf('/') + 1);
          String parent = p.contains("/") ? p.substring(0, p.lastIndexOf('/')) : "";
          if (base.equals(".wh..wh..opq")) {
            t.removeTree(parent);
            return;
          }
          if (base.startsWith(".wh.")) {
            t.removeTree(parent.isEmpty() ? base.substring(4) : parent + "/" + base.substring(4));
            return;
          }
          FsTree.Node n;
          switch (e.type()) {
            case '0' -> {
              Path f = dir.resolve(String.valueOf(tmpCounter++));
              Files.copy(data, f);
              n = new FsTree.Node('0', e.mode(), e.uid(), e.gid(), e.size(), "", () -> Files.newInputStream(f));
            }
            case '1' -> {
              FsTree.Node target = t.get(FsTree.normalize(e.link()));
              if (target == null) return;
              n = target.with(e.mode(), e.uid(), e.gid());
            }
            case '2' -> n = new FsTree.Node('2', e.mode(), e.uid(), e.gid(), 0, e.link(), null);
            default -> n = new FsTree.Node('5', e.mode(), e.uid(), e.gid(), 0, "", null);
          }
          if (p.isEmpty()) return;
          FsTree.Node old = t.get(p);
          if (old != null && old.isDir() && !n.isDir()) t.removeTree(p);
          t.put(p, n);
        });
      }
    } catch (IOException e) {
      throw ClientException.builder(Category.NETWORK, "read layer " + l.descriptor().digest() + " of a base image").why(e.toString()).cause(e).build();
    }
  }

  /** The context directory, less what .dockerignore excludes. Modes from the files; no times, no owners. */
  private FsTree contextTree() {
    if (context != null) return context;
    FsTree t = new FsTree();
    Path root = options.context();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
          String rel = rel(root, d);
          if (!rel.isEmpty() && !ignore.ignored(rel)) t.put(rel, new FsTree.Node('5', mode(d), 0, 0, 0, "", null));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          String rel = rel(root, f);
          if (ignore.ignored(rel)) return FileVisitResult.CONTINUE;
          if (attrs.isSymbolicLink()) {
            t.put(rel, new FsTree.Node('2', 0777, 0, 0, 0, Files.readSymbolicLink(f).toString(), null));
          } else if (attrs.isRegularFile()) {
            t.put(rel, new FsTree.Node('0', mode(f), 0, 0, attrs.size(), "", () -> Files.newInputStream(f)));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw io("read the build context " + root, e);
    }
    context = t;
    return t;
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }

  private static int mode(Path p) throws IOException {
    try {
      int m = 0;
      for (PosixFilePermission perm : Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) {
        m |= 1 << (8 - perm.ordinal());
      }
      return m;
    } catch (UnsupportedOperationException e) {
      return Files.isDirectory(p) ? 0755 : Files.isExecutable(p) ? 0755 : 0644;
    }
  }

  private Layer writeLayer(Stage s, TreeMap<String, FsTree.Node> entries, Instruction in) {
    Path f = tmp.resolve("layer-" + (tmpCounter++) + ".tar.gz");
    try {
      MessageDigest compressed = MessageDigest.getInstance("SHA-256");
      MessageDigest plain = MessageDigest.getInstance("SHA-256");
      try (OutputStream file = Files.newOutputStream(f);
          DigestOutputStream cOut = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), compressed);
          GZIPOutputStream gz = new GZIPOutputStream(cOut, 1 << 16);
          DigestOutputStream pOut = new DigestOutputStream(gz, plain);
          OutputStream buf = new BufferedOutputStream(pOut, 1 << 16)) {
        LayerTar.Writer w = new LayerTar.Writer(buf, options.epoch());
        for (var e : entries.entrySet()) w.entry(e.getKey(), e.getValue());
        w.finish();
      }
      Digest digest = Digest.fromMessageDigest("sha256", compressed);
      Digest diffId = Digest.fromMessageDigest("sha256", plain);
      String type = s.docker ? MediaType.DOCKER_LAYER : MediaType.OCI_LAYER_TAR_GZIP;
      return new Layer(new Descriptor(type, digest, Files.size(f)), diffId, offset -> {
        InputStream is = Files.newInputStream(f);
        is.skipNBytes(offset);
        return is;
      }, entries);
    } catch (IOException e) {
      throw ClientException.builder(Category.LOCAL_IO, "build " + in.file() + ", line " + in.line() + ": write the layer").why(e.toString()).cause(e).build();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private BuiltImage assemble(Stage s) {
    ObjectNode cfg = s.config.deepCopy();
    cfg.remove("container");
    cfg.remove("container_config");
    cfg.put("created", created);
    ObjectNode rootfs = JSON.createObjectNode();
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    for (Layer l : s.layers) ids.add(l.diffId().toString());
    cfg.set("rootfs", rootfs);
    cfg.set("history", s.history);
    try {
      byte[] config = JSON.writeValueAsBytes(cfg);
      ObjectNode m = JSON.createObjectNode();
      m.put("schemaVersion", 2);
      String type = s.docker ? MediaType.DOCKER_MANIFEST : MediaType.OCI_MANIFEST;
      m.put("mediaType", type);
      ObjectNode c = m.putObject("config");
      c.put("mediaType", s.docker ? MediaType.DOCKER_CONFIG : MediaType.OCI_CONFIG);
      c.put("digest", Digest.sha256(config).toString());
      c.put("size", config.length);
      ArrayNode layers = m.putArray("layers");
      Map<Digest, BlobSource> blobs = new HashMap<>();
      for (Layer l : s.layers) {
        ObjectNode d = layers.addObject();
        d.put("mediaType", l.descriptor().mediaType());
        d.put("digest", l.descriptor().digest().toString());
        d.put("size", l.descriptor().size());
        blobs.put(l.descriptor().digest(), l.source());
      }
      Manifest manifest = Manifest.of(JSON.writeValueAsBytes(m), type);
      return new BuiltImage(manifest, config, blobs, s.remote, resources, tmp);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ClientException io(String what, IOException e) {
    return ClientException.builder(Category.LOCAL_IO, what).why(e.toString()).cause(e).build();
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
