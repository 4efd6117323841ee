package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.meta.SqliteAuthStore;
import dev.berth.server.meta.SqliteMetadataStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registry endpoint × every kind of caller, with the expected status and the words of the
 * explanation. "Allowed" means the request got past access control (its status is then whatever
 * the registry answers, e.g. 404 for a digest that is not there).
 */
class AuthorizationMatrixTest {
  @TempDir static Path data;
  static BerthServer server;
  static URI base;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  static final Map<String, String> AUTH = new LinkedHashMap<>();
  static String layer;
  static String config;
  static byte[] manifest;
  static String manifestDigest;

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void start() throws Exception {
    server = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("admin-password")));
    base = server.baseUri();
    try (SqliteMetadataStore meta = SqliteMetadataStore.open(data.resolve("metadata.db"))) {
      SqliteAuthStore auth = new SqliteAuthStore(meta);
      for (String u : List.of("nogrant", "puller", "pusher", "deleter")) auth.addUser(u, Passwords.hash((u + "-pw").toCharArray()), false, false);
      auth.grant("pull", "team", "puller");
      auth.grant("push", "team", "pusher");
      auth.grant("delete", "team", "deleter");
      auth.grant("push", "pub", "pusher");
      auth.grant("pull", "elsewhere", "nogrant");
      auth.setPublic("pub", true);
      auth.createToken(Passwords.sha256("berth_ci_expired"), "admin", Set.of("push"), "team", null, Instant.now().minusSeconds(60));
      auth.createToken(Passwords.sha256("berth_ci_other"), "admin", Set.of("push"), "other", null, Instant.now().plusSeconds(3600));
      auth.createToken(Passwords.sha256("berth_ci_team"), "admin", Set.of("push"), "team", null, Instant.now().plusSeconds(3600));
    }
    AUTH.put("anonymous", null);
    AUTH.put("wrong password", basic("pusher", "nope"));
    AUTH.put("no grant", basic("nogrant", "nogrant-pw"));
    AUTH.put("pull", basic("puller", "puller-pw"));
    AUTH.put("push", basic("pusher", "pusher-pw"));
    AUTH.put("delete", basic("deleter", "deleter-pw"));
    AUTH.put("admin", basic("admin", "admin-password"));
    AUTH.put("expired token", basic("ci-token", "berth_ci_expired"));
    AUTH.put("token for another namespace", basic("ci-token", "berth_ci_other"));
    AUTH.put("token for this namespace", basic("ci-token", "berth_ci_team"));
    // content in team/app and pub/app, pushed by the admin
    byte[] l = "layer".getBytes(StandardCharsets.UTF_8);
    byte[] c = "{}".getBytes(StandardCharsets.UTF_8);
    for (String repo : List.of("team/app", "pub/app", "secret/app")) {
      layer = push(repo, l);
      config = push(repo, c);
    }
    manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
        + config + "\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layer + "\",\"size\":5}]}").getBytes(StandardCharsets.UTF_8);
    manifestDigest = Digest.sha256(manifest).toString();
    for (String repo : List.of("team/app", "pub/app")) {
      assertThat(send("PUT", "/v2/" + repo + "/manifests/1", manifest, AUTH.get("admin")).statusCode()).isEqualTo(201);
    }
  }

  static String push(String repo, byte[] content) throws Exception {
    String d = Digest.sha256(content).toString();
    var r = send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + d, content, AUTH.get("admin"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return d;
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static HttpResponse<String> send(String method, String path, byte[] body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (authorization != null) b.header("Authorization", authorization);
    if (method.equals("PUT") && path.contains("/manifests/")) b.header("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  record Endpoint(String name, String method, String path, String action, boolean withManifest) {}

  static List<Endpoint> endpoints(String repo) {
    String missing = "sha256:" + "0".repeat(64);
    return List.of(
        new Endpoint("GET manifest", "GET", "/v2/" + repo + "/manifests/1", "pull", false),
        new Endpoint("HEAD manifest", "HEAD", "/v2/" + repo + "/manifests/1", "pull", false),
        new Endpoint("GET blob", "GET", "/v2/" + repo + "/blobs/" + layer, "pull", false),
        new Endpoint("tags list", "GET", "/v2/" + repo + "/tags/list", "pull", false),
        new Endpoint("referrers", "GET", "/v2/" + repo + "/referrers/" + manifestDigest, "pull", false),
        new Endpoint("start upload", "POST", "/v2/" + repo + "/blobs/uploads/", "push", false),
        new Endpoint("PUT manifest", "PUT", "/v2/" + repo + "/manifests/1", "push", true),
        new Endpoint("DELETE manifest", "DELETE", "/v2/" + repo + "/manifests/" + missing, "delete", false),
        new Endpoint("DELETE blob", "DELETE", "/v2/" + repo + "/blobs/" + missing, "delete", false));
  }

  /** What each caller may do on team/app. */
  static Set<String> allowedOnTeam(String who) {
    return switch (who) {
      case "pull" -> Set.of("pull");
      case "push", "token for this namespace" -> Set.of("pull", "push");
      case "delete" -> Set.of("pull", "delete");
      case "admin" -> Set.of("pull", "push", "delete");
      default -> Set.of();
    };
  }

  @Test
  void everyEndpointTimesEveryCaller() throws Exception {
    List<String> failures = new ArrayList<>();
    // Callers inner, so that failed logins are interleaved with good ones (and the login throttle stays out of it).
    for (Endpoint e : endpoints("team/app")) {
      for (var who : AUTH.entrySet()) {
        var r = send(e.method(), e.path(), e.withManifest() ? manifest : null, who.getValue());
        boolean allowed = allowedOnTeam(who.getKey()).contains(e.action());
        int status = r.statusCode();
        String body = r.body();
        String why = who.getKey() + " × " + e.name() + " → " + status + " " + body;
        if (allowed) {
          if (status == 401 || status == 403) failures.add("should be allowed: " + why);
          continue;
        }
        switch (who.getKey()) {
          case "anonymous" -> expect(failures, why, status == 401 && r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=")
              && (e.method().equals("HEAD") || body.contains("no credentials reached the registry")));
          case "wrong password" -> expect(failures, why, status == 401 && (e.method().equals("HEAD") || body.contains("wrong password")));
          case "expired token" -> expect(failures, why, status == 401 && (e.method().equals("HEAD") || body.contains("expired at")));
          case "token for this namespace" -> expect(failures, why, status == 403 && (e.method().equals("HEAD") || body.contains("allows only push on \\\"team\\\"")));
          case "token for another namespace" -> expect(failures, why, status == 403 && (e.method().equals("HEAD") || body.contains("scoped to namespace \\\"other\\\"")));
          case "no grant" -> expect(failures, why, status == 403 && (e.method().equals("HEAD") || body.contains("has no grant on team/app")
              && body.contains("its grants: pull on namespace \\\"elsewhere\\\"") && body.contains("berth grant " + e.action() + " team nogrant")));
          default -> expect(failures, why, status == 403 && (e.method().equals("HEAD") || (body.contains("but not " + e.action())
              && body.contains("berth grant " + e.action() + " team ") && body.contains("\"rule\":\"grant #"))));
        }
      }
    }
    for (var who : AUTH.entrySet()) {
      var ping = send("GET", "/v2/", null, who.getValue());
      boolean authenticated = !Set.of("anonymous", "wrong password", "expired token").contains(who.getKey());
      expect(failures, who.getKey() + " × GET /v2/ → " + ping.statusCode(), (ping.statusCode() == 200) == authenticated);
    }
    assertThat(failures).isEmpty();
  }

  static void expect(List<String> failures, String what, boolean ok) {
    if (!ok) failures.add(what);
  }

  @Test
  void publicNamespaceAllowsAnonymousPullOnly() throws Exception {
    for (Endpoint e : endpoints("pub/app")) {
      var r = send(e.method(), e.path(), e.withManifest() ? manifest : null, null);
      if (e.action().equals("pull")) {
        assertThat(r.statusCode()).as(e.name()).isIn(200, 404);
      } else {
        assertThat(r.statusCode()).as(e.name()).isEqualTo(401);
      }
    }
  }

  @Test
  void deniedRequestsAreInTheAuditLogWithTheirRequestId() throws Exception {
    var r = send("POST", "/v2/team/app/blobs/uploads/", null, AUTH.get("pull"));
    assertThat(r.statusCode()).isEqualTo(403);
    String id = r.headers().firstValue("X-Request-Id").orElseThrow();
    try (SqliteMetadataStore meta = SqliteMetadataStore.open(data.resolve("metadata.db"))) {
      var entries = new SqliteAuthStore(meta).audit(new AuthStore.AuditQuery(true, id, null, null, 10));
      assertThat(entries).singleElement().satisfies(a -> {
        assertThat(a.principal()).isEqualTo("user:puller");
        assertThat(a.action()).isEqualTo("push");
        assertThat(a.resource()).isEqualTo("repository:team/app");
        assertThat(a.reason()).isEqualTo("action_not_granted");
        assertThat(a.client()).contains("java-http-client");
      });
    }
  }

  @Test
  void tokenServiceGrantsTheSubsetAndTheRegistrySaysWhatIsMissing() throws Exception {
    var tr = http.send(HttpRequest.newBuilder(base.resolve("/token?service=berth&scope=repository:team/app:push,pull"))
        .header("Authorization", AUTH.get("pull")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tr.statusCode()).isEqualTo(200);
    Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(tr.body());
    assertThat(m.find()).isTrue();
    String bearer = "Bearer " + m.group(1);
    assertThat(send("GET", "/v2/team/app/manifests/1", null, bearer).statusCode()).isEqualTo(200);
    var denied = send("POST", "/v2/team/app/blobs/uploads/", null, bearer);
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("user \\\"puller\\\" has pull on namespace \\\"team\\\"").contains("so its token does not include push");
    // a token for another repository, for a principal who could have this one: fetch a new token
    var tr2 = http.send(HttpRequest.newBuilder(base.resolve("/token?service=berth&scope=repository:pub/app:pull"))
        .header("Authorization", AUTH.get("push")).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m2 = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(tr2.body());
    assertThat(m2.find()).isTrue();
    var narrow = send("POST", "/v2/team/app/blobs/uploads/", null, "Bearer " + m2.group(1));
    assertThat(narrow.statusCode()).isEqualTo(401);
    assertThat(narrow.headers().firstValue("WWW-Authenticate").orElse("")).contains("scope=\"repository:team/app:pull,push\"").contains("error=\"insufficient_scope\"");
  }

  @Test
  void anonymousPushScopeIsRefusedAtTheTokenEndpointWithTheExplanation() throws Exception {
    var r = http.send(HttpRequest.newBuilder(base.resolve("/token?service=berth&scope=repository:team/app:push,pull"))
        .header("User-Agent", "docker/20.10.24 go/go1.19 git-commit/x os/linux arch/amd64 UpstreamClient(Docker-Client/1.13.1 \\(linux\\))").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("UNAUTHORIZED").contains("no credentials reached the registry").contains("docker CLI 1.13.1")
        .contains("docker daemon 20.10.24").contains("X-Registry-Auth").contains("\"clientSkew\"");
  }

  @Test
  void mountFromARepositoryTheCallerCannotReadDoesNotLeakTheBlob() throws Exception {
    var r = send("POST", "/v2/team/app2/blobs/uploads/?mount=" + layer + "&from=secret/app", null, AUTH.get("push"));
    assertThat(r.statusCode()).isEqualTo(202); // an upload session, not a mount
    var other = send("POST", "/v2/team/app3/blobs/uploads/?mount=" + layer + "&from=team/app", null, AUTH.get("push"));
    assertThat(other.statusCode()).isEqualTo(201);
    assertThat(send("HEAD", "/v2/team/app2/blobs/" + layer, null, AUTH.get("admin")).statusCode()).isEqualTo(404);
  }

  @Test
  void oauthPostPasswordAndRefreshTokenFlow() throws Exception {
    var r = http.send(HttpRequest.newBuilder(base.resolve("/token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=pusher&password=pusher-pw&service=berth&client_id=docker&access_type=offline&scope=repository%3Ateam%2Fapp%3Apush%2Cpull"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"access_token\"").contains("\"refresh_token\"").contains("\"scope\":\"repository:team/app:push,pull\"");
    Matcher m = Pattern.compile("\"refresh_token\":\"([^\"]+)\"").matcher(r.body());
    assertThat(m.find()).isTrue();
    var r2 = http.send(HttpRequest.newBuilder(base.resolve("/token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=" + m.group(1) + "&service=berth&scope=repository%3Ateam%2Fapp%3Apull"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
    var bad = http.send(HttpRequest.newBuilder(base.resolve("/token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=pusher&password=wrong&service=berth")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.body()).contains("wrong password").doesNotContain("\"wrong\"");
  }
}
