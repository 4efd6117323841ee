package dev.berth.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.oci.Digest;
import dev.berth.server.BerthServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;

/**
 * The training run behind the JVM's AOT cache ({@code ./berth} runs it once per build with
 * {@code -XX:AOTCacheOutput}): starts {@code berth serve} the way a user does, once with the
 * default access control and once with {@code --auth none}, each on a free loopback port with a
 * fresh data directory under the temporary directory, pushes and pulls a tiny image through the
 * HTTP API, runs a few client commands against it, and stops. It reads no BERTH_* variable,
 * config file or docker login and never touches the user's data directory or port. Not for
 * users, so hidden from help.
 */
@Command(name = "aot-training", hidden = true, description = "Training run for the JVM's startup cache (used by ./berth).")
final class AotTrainingCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Integer call() throws Exception {
    Path tmp = Files.createTempDirectory("berth-aot-training-");
    try {
      serveAndUse(tmp, "token");
      serveAndUse(tmp, "none");
    } finally {
      try (Stream<Path> files = Files.walk(tmp)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
    System.out.println("berth: training run done");
    return 0;
  }

  private static void serveAndUse(Path tmp, String auth) throws Exception {
    String[] args = {"serve", "--listen", "127.0.0.1:0", "--data", tmp.resolve(auth).toString(), "--auth", auth};
    ServeCommand serve = ServeCommand.parseSimple(args); // as Main.run does
    BerthServer server = serve.start(Map.of());
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build()) {
      new Session(http, server.baseUri(), server.initialAdminPassword()).pushAndPull("training/app");
      if (auth.equals("none")) clientCommands(tmp, server.baseUri().getAuthority() + "/training/app");
    } finally {
      server.close();
    }
  }

  /** Read-only client commands, with an environment of their own (no docker config, no credential helpers). */
  private static void clientCommands(Path tmp, String repo) {
    Map<String, String> saved = ClientOptions.environment;
    ClientOptions.environment = Map.of("HOME", tmp.toString(), "DOCKER_CONFIG", tmp.resolve("docker").toString());
    try {
      for (String[] args : List.of(new String[] {"tags", repo}, new String[] {"digest", repo + ":1"},
          new String[] {"inspect", repo + ":1"})) {
        int exit = Main.run(args);
        if (exit != 0) throw new IllegalStateException("berth " + String.join(" ", args) + " exited with " + exit);
      }
    } finally {
      ClientOptions.environment = saved;
    }
  }

  /** What a client does: the /v2/ probe, a token when challenged, a push and a pull. */
  private record Session(HttpClient http, URI base, String adminPassword) {
    void pushAndPull(String repo) throws IOException, InterruptedException {
      HttpResponse<String> probe = send("GET", "/v2/", null, null, null);
      String auth = null;
      if (probe.statusCode() == 401) {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + adminPassword).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> t = send("GET", "/token?service=berth&scope=repository:" + repo + ":pull,push", basic, null, null);
        expect(t, 200);
        auth = "Bearer " + JSON.readTree(t.body()).get("token").asText();
        expect(send("GET", "/v2/", auth, null, null), 200);
      } else {
        expect(probe, 200);
      }
      byte[] layer = "a layer\n".getBytes(StandardCharsets.UTF_8);
      byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}".getBytes(StandardCharsets.UTF_8);
      Digest layerDigest = Digest.sha256(layer);
      Digest configDigest = Digest.sha256(config);
      // a monolithic upload, and a POST + PATCH + PUT one
      expect(send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + layerDigest, auth, "application/octet-stream", layer), 201);
      HttpResponse<String> started = send("POST", "/v2/" + repo + "/blobs/uploads/", auth, null, new byte[0]);
      expect(started, 202);
      String location = started.headers().firstValue("Location").orElseThrow();
      HttpResponse<String> patched = send("PATCH", location, auth, "application/octet-stream", config);
      expect(patched, 202);
      String next = patched.headers().firstValue("Location").orElseThrow();
      expect(send("PUT", next + (next.contains("?") ? "&" : "?") + "digest=" + configDigest, auth, null, new byte[0]), 201);
      String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
          + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":" + config.length + "},"
          + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}],"
          + "\"annotations\":{\"org.opencontainers.image.title\":\"training\"}}";
      expect(send("PUT", "/v2/" + repo + "/manifests/1", auth, "application/vnd.oci.image.manifest.v1+json",
          manifest.getBytes(StandardCharsets.UTF_8)), 201);
      for (String method : List.of("HEAD", "GET")) {
        expect(send(method, "/v2/" + repo + "/manifests/1", auth, null, null), 200);
        expect(send(method, "/v2/" + repo + "/blobs/" + layerDigest, auth, null, null), 200);
      }
      expect(send("GET", "/v2/" + repo + "/tags/list", auth, null, null), 200);
      expect(send("GET", "/v2/" + repo + "/manifests/missing", auth, null, null), 404);
    }

    HttpResponse<String> send(String method, String pathOrUrl, String auth, String contentType, byte[] body)
        throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathOrUrl)).timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      if (auth != null) b.header("Authorization", auth);
      if (contentType != null) b.header("Content-Type", contentType);
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static void expect(HttpResponse<String> r, int status) {
      if (r.statusCode() != status) {
        throw new IllegalStateException(r.request().method() + " " + r.uri() + ": expected " + status + ", got " + r.statusCode() + ": " + r.body());
      }
    }
  }
}
