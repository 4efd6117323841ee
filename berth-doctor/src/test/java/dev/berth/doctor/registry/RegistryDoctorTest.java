package dev.berth.doctor.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.Finding;
import dev.berth.doctor.PrivateDockerd;
import dev.berth.doctor.Report;
import dev.berth.doctor.Severity;
import dev.berth.doctor.Tools;
import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.Passwords;
import dev.berth.server.meta.SqliteAuthStore;
import dev.berth.server.meta.SqliteMetadataStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * berth doctor registry against real registries: berth in-process with token auth (over HTTP and
 * over TLS with a self-signed certificate), and Debian's docker-registry without auth. Credentials
 * come from a temporary DOCKER_CONFIG, passed as the environment map.
 */
class RegistryDoctorTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A DOCKER_CONFIG directory whose config.json logs in to {@code registry} as user:password. */
  static Map<String, String> dockerConfig(Path dir, String registry, String user, String password) throws IOException {
    Files.createDirectories(dir);
    String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + registry + "\":{\"auth\":\"" + auth + "\"}}}");
    return Map.of("DOCKER_CONFIG", dir.toString(), "HOME", dir.toString());
  }

  /** The report as a person reads it, in the test's output (surefire keeps it). */
  static Report show(Report r) {
    System.out.println(r.human());
    return r;
  }

  static Finding finding(Report r, String id) {
    return r.findings().stream().filter(f -> f.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no finding " + id + " in:\n" + r.human()));
  }

  static String all(Finding f) {
    return f.title() + "\n" + f.evidence() + "\n" + f.why() + "\n" + f.fix();
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstBerth {
    Path tmp;
    BerthServer server;
    String registry;

    @BeforeAll
    void start() throws Exception {
      tmp = Files.createTempDirectory("berth-doctor-registry");
      server = BerthServer.start(ServerConfig.defaults(tmp).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("adminpw")));
      try (SqliteMetadataStore meta = SqliteMetadataStore.open(tmp.resolve("metadata.db"))) {
        SqliteAuthStore auth = new SqliteAuthStore(meta);
        auth.addUser("pusher", Passwords.hash("pushpw".toCharArray()), false, false);
        auth.grant("push", "hoge/fuga", "pusher");
        auth.addUser("ci-bot", Passwords.hash("secretpw".toCharArray()), false, false);
        auth.grant("pull", "hoge", "ci-bot");
        auth.createToken(Passwords.sha256("berth_ci_expired"), "pusher", Set.of("push"), "hoge/fuga", "test", Instant.now().minusSeconds(60));
      }
      registry = "127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() throws Exception {
      if (server != null) server.close();
      PrivateDockerd.deleteQuietly(tmp);
    }

    Report doctor(String user, String password) throws IOException {
      Map<String, String> env = dockerConfig(tmp.resolve("cfg-" + user + "-" + password.hashCode()), registry, user, password);
      return show(new RegistryDoctor(env, false, TIMEOUT).check(registry + "/hoge/fuga/app:1"));
    }

    @Test
    void userWithPush_succeeds_andLeavesNoUploadSession() throws Exception {
      Report r = doctor("pusher", "pushpw");
      String out = r.human();
      assertThat(r.worst()).as(out).isNotEqualTo(Severity.ERROR);
      assertThat(r.verdict()).isEqualTo("a push to " + registry + "/hoge/fuga/app:1 would succeed");
      assertThat(out).contains("verdict: a push to").contains("granted on hoge/fuga/app: ").contains("push")
          .contains("user \"pusher\"").contains("config.json").doesNotContain("pushpw")
          .contains("speaks plain HTTP");
      assertThat(r.json()).doesNotContain("pushpw");
      @SuppressWarnings("unchecked")
      Map<String, Object> upload = (Map<String, Object>) ((Map<String, Object>) r.facts().get("registry")).get("upload");
      assertThat(upload.get("post")).isEqualTo(202);
      assertThat(upload.get("delete")).isEqualTo(204);
      // The session is gone on the server: a GET with a fresh push token answers 404 BLOB_UPLOAD_UNKNOWN.
      HttpClient http = HttpClient.newHttpClient();
      String basic = "Basic " + Base64.getEncoder().encodeToString("pusher:pushpw".getBytes(StandardCharsets.UTF_8));
      HttpResponse<String> tok = http.send(HttpRequest.newBuilder(URI.create("http://" + registry
          + "/token?service=berth&scope=repository:hoge/fuga/app:push,pull")).header("Authorization", basic).build(), HttpResponse.BodyHandlers.ofString());
      String token = new com.fasterxml.jackson.databind.ObjectMapper().readTree(tok.body()).get("token").asText();
      HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create((String) upload.get("location")))
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(get.statusCode()).isEqualTo(404);
      assertThat(get.body()).contains("BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void identityToken_isUsedWithTheRefreshTokenGrant() throws Exception {
      // what docker login stores for a token registry: an identity (refresh) token instead of the password
      HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry + "/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=pusher&password=pushpw&service=berth&access_type=offline&client_id=test"))
          .build(), HttpResponse.BodyHandlers.ofString());
      String refresh = new com.fasterxml.jackson.databind.ObjectMapper().readTree(login.body()).path("refresh_token").asText();
      assertThat(refresh).as(login.body()).isNotEmpty();
      Path dir = tmp.resolve("cfg-identity");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + registry + "\":{\"identitytoken\":\"" + refresh + "\"}}}");
      Report r = show(new RegistryDoctor(Map.of("DOCKER_CONFIG", dir.toString(), "HOME", dir.toString()), false, TIMEOUT)
          .check(registry + "/hoge/fuga/app:1"));
      assertThat(r.verdict()).as(r.human()).endsWith("would succeed");
      assertThat(r.human()).contains("identity token").contains("grant_type=refresh_token").contains("granted on hoge/fuga/app: ")
          .doesNotContain(refresh);
    }

    @Test
    void pullOnlyUser_wouldFail_namingTheMissingGrant_andQuotingBerthsRemedy() throws Exception {
      Report r = doctor("ci-bot", "secretpw");
      assertThat(r.verdict()).as(r.human()).startsWith("a push to " + registry + "/hoge/fuga/app:1 would fail: ")
          .contains("does not grant push");
      Finding f = finding(r, "registry.token.no-push");
      assertThat(f.severity()).isEqualTo(Severity.ERROR);
      assertThat(f.evidence()).contains("grants pull on hoge/fuga/app").contains("registry says: denied:")
          .contains("user \"ci-bot\" has pull on namespace \"hoge\"");
      assertThat(f.fix()).contains("berth grant push hoge/fuga ci-bot");
      assertThat(r.human()).doesNotContain("secretpw");
    }

    @Test
    void wrongPassword_isTheRegistrysLoginFailure() throws Exception {
      Report r = doctor("ci-bot", "wrong");
      Finding f = finding(r, "registry.token.refused");
      assertThat(f.severity()).isEqualTo(Severity.ERROR);
      assertThat(f.title()).contains("login failed for user \"ci-bot\": wrong password");
      assertThat(f.evidence()).contains("registry says: unauthorized: login failed");
      assertThat(f.fix()).contains("berth user passwd ci-bot");
      assertThat(r.verdict()).startsWith("a push to ").contains("would fail: the token service refused");
      assertThat(r.human()).contains("upload: not tried");
      assertThat(r.human()).doesNotContain("wrong\n").doesNotContain(":wrong");
    }

    @Test
    void expiredCiToken_isExplained() throws Exception {
      Report r = doctor("ci-token", "berth_ci_expired");
      Finding f = finding(r, "registry.token.refused");
      assertThat(f.title()).contains("expired");
      assertThat(f.evidence()).contains("CI token #").contains("expired at");
      assertThat(f.fix()).contains("berth token create --ci");
      assertThat(r.verdict()).contains("would fail");
      assertThat(r.human()).doesNotContain("berth_ci_expired");
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstBerthWithSelfSignedTls {
    Path tmp;
    BerthServer server;
    String registry;

    @BeforeAll
    void start() throws Exception {
      tmp = Files.createTempDirectory("berth-doctor-tls");
      server = BerthServer.start(ServerConfig.defaults(tmp).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("adminpw"))
          .withTls(new ServerConfig.Tls(null, null, true)));
      try (SqliteMetadataStore meta = SqliteMetadataStore.open(tmp.resolve("metadata.db"))) {
        SqliteAuthStore auth = new SqliteAuthStore(meta);
        auth.addUser("pusher", Passwords.hash("pushpw".toCharArray()), false, false);
        auth.grant("push", "hoge", "pusher");
      }
      registry = "127.0.0.1:" + server.port();
    }

    @AfterAll
    void stop() throws Exception {
      if (server != null) server.close();
      PrivateDockerd.deleteQuietly(tmp);
    }

    @Test
    void untrustedCertificate_isAFinding_withHowToTrustIt() throws Exception {
      Map<String, String> env = dockerConfig(tmp.resolve("cfg"), registry, "pusher", "pushpw");
      Report r = show(new RegistryDoctor(env, false, TIMEOUT).check(registry + "/hoge/app:1"));
      Finding f = finding(r, "registry.tls.untrusted");
      assertThat(f.title()).contains("not trusted");
      assertThat(f.evidence()).contains("berth self-signed").contains("days left");
      assertThat(f.fix()).contains("/etc/docker/certs.d/" + registry + "/ca.crt").contains("update-ca-certificates");
      // loopback counts as an insecure registry for docker: a warning, and the verdict says who would fail
      assertThat(f.severity()).isEqualTo(Severity.WARNING);
      assertThat(r.verdict()).as(r.human()).contains("clients that verify would fail").contains("not trusted");
      // the rest ran over HTTPS without verification: the push itself would be allowed
      assertThat(r.human()).contains("-> 202");
    }
  }

  /** Debian's docker-registry (CNCF distribution 2.8) without auth. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstDistribution {
    Path tmp;
    Process process;
    String registry;

    @BeforeAll
    void start() throws Exception {
      tmp = Files.createTempDirectory("berth-doctor-dist");
      Path bin = Tools.require("docker-registry", "/usr/bin/docker-registry");
      int port = freePort();
      registry = "127.0.0.1:" + port;
      Files.writeString(tmp.resolve("config.yml"), String.join("\n",
          "version: 0.1",
          "storage:",
          "  filesystem:",
          "    rootdirectory: " + tmp.resolve("data"),
          "  delete:",
          "    enabled: true",
          "http:",
          "  addr: " + registry,
          ""));
      process = new ProcessBuilder(bin.toString(), "serve", tmp.resolve("config.yml").toString()).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("registry.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
    }

    @AfterAll
    void stop() throws Exception {
      if (process != null) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      if (tmp != null) PrivateDockerd.deleteQuietly(tmp);
    }

    @Test
    void noAuth_succeeds() throws Exception {
      Map<String, String> env = Map.of("DOCKER_CONFIG", tmp.resolve("empty-config").toString(), "HOME", tmp.toString());
      Report r = show(new RegistryDoctor(env, false, TIMEOUT).check(registry + "/team/app:1"));
      String out = r.human();
      assertThat(r.worst()).as(out).isNotEqualTo(Severity.ERROR);
      assertThat(r.verdict()).isEqualTo("a push to " + registry + "/team/app:1 would succeed");
      assertThat(out).contains("-> 200 (no authentication required)").contains("-> 202").contains("DELETE -> 204")
          .contains("nothing left on the registry");
    }
  }
}
