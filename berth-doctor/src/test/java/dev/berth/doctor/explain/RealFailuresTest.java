package dev.berth.doctor.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.OciLayout;
import dev.berth.doctor.PrivateDockerd;
import dev.berth.doctor.Tools;
import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import dev.berth.server.auth.Passwords;
import dev.berth.server.meta.SqliteAuthStore;
import dev.berth.server.meta.SqliteMetadataStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * explain on logs of real failing runs: the real docker CLI and daemon, and real skopeo, against
 * berth (in-process) and against Debian's docker-registry (CNCF distribution 2.8, htpasswd auth).
 * Nothing is canned: each test runs the failing command, then explains its output.
 */
class RealFailuresTest {
  static final Explainer EXPLAINER = new Explainer();

  static Diagnosis top(String log) {
    List<Diagnosis> ds = EXPLAINER.explain(log);
    assertThat(ds).as("diagnoses of:\n%s", log).isNotEmpty();
    return ds.get(0);
  }

  static void assertTop(String log, String signature) {
    Diagnosis d = top(log);
    assertThat(d.signature().id()).as("best diagnosis of:\n%s\nall: %s", log, EXPLAINER.explain(log)).isEqualTo(signature);
    assertThat(d.rank()).isEqualTo(1);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstBerth {
    Path tmp;
    BerthServer server;
    String registry;
    PrivateDockerd dockerd;
    Path oci;

    @BeforeAll
    void start() throws Exception {
      tmp = Files.createTempDirectory("berth-doctor-real");
      server = BerthServer.start(ServerConfig.defaults(tmp).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("adminpw")));
      try (SqliteMetadataStore meta = SqliteMetadataStore.open(tmp.resolve("metadata.db"))) {
        SqliteAuthStore auth = new SqliteAuthStore(meta);
        auth.addUser("ci-bot", Passwords.hash("secretpw".toCharArray()), false, false);
        auth.grant("pull", "hoge", "ci-bot");
      }
      registry = "127.0.0.1:" + server.port();
      oci = OciLayout.write(tmp.resolve("oci"), "v1");
    }

    @AfterAll
    void stop() throws Exception {
      if (dockerd != null) dockerd.close();
      if (server != null) server.close();
      PrivateDockerd.deleteQuietly(tmp);
    }

    PrivateDockerd dockerd() throws Exception {
      if (dockerd == null) dockerd = PrivateDockerd.start();
      return dockerd;
    }

    String docker(String... args) throws Exception {
      PrivateDockerd d = dockerd();
      List<String> cmd = new ArrayList<>(List.of(d.docker.toString()));
      cmd.addAll(List.of(args));
      return Tools.log(d.env(), Duration.ofSeconds(90), cmd);
    }

    String dockerLogin(String user, String password) throws Exception {
      PrivateDockerd d = dockerd();
      Path pw = tmp.resolve("pw-" + user);
      Files.writeString(pw, password);
      ProcessBuilder pb = new ProcessBuilder(d.docker.toString(), "login", "-u", user, "--password-stdin", registry).redirectErrorStream(true)
          .redirectInput(pw.toFile());
      pb.environment().putAll(d.env());
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes());
      p.waitFor(60, TimeUnit.SECONDS);
      return "$ docker login -u " + user + " --password-stdin " + registry + "\n" + out;
    }

    String skopeo(String... args) {
      Path skopeo = Tools.require("skopeo", "/usr/bin/skopeo");
      List<String> cmd = new ArrayList<>(List.of(skopeo.toString()));
      cmd.addAll(List.of(args));
      return Tools.log(Tools.env("REGISTRY_AUTH_FILE", tmp.resolve("auth.json").toString()), Duration.ofSeconds(60), cmd);
    }

    @Test
    void dockerPushWithPullOnlyGrant_isBerthsExplainedDenial_withPrincipalAndRemedy() throws Exception {
      dockerd().docker("logout", registry);
      String log = dockerLogin("ci-bot", "secretpw");
      assertThat(log).contains("Login Succeeded");
      dockerd().docker("tag", "busybox:local", registry + "/hoge/fuga/app:1");
      log += docker("push", registry + "/hoge/fuga/app:1");
      assertThat(log).contains("denied: push to hoge/fuga/app refused");
      Diagnosis d = top(log);
      assertThat(d.signature().id()).isEqualTo("berth-denied");
      assertThat(d.facts()).containsEntry("principal", "user \"ci-bot\"").containsEntry("reason", "action_not_granted")
          .containsEntry("repository", "hoge/fuga/app").containsEntry("command", "berth grant push hoge/fuga ci-bot");
    }

    @Test
    void dockerPushWithoutLogin_isAnonymousPushExplainedByBerth() throws Exception {
      dockerd().docker("logout", registry);
      dockerd().docker("tag", "busybox:local", registry + "/hoge/fuga/app:2");
      String log = docker("push", registry + "/hoge/fuga/app:2");
      assertThat(log).contains("no credentials reached the registry");
      Diagnosis d = top(log);
      assertThat(d.signature().id()).isEqualTo("berth-denied");
      assertThat(d.facts()).containsEntry("principal", "anonymous").containsEntry("reason", "no_credentials");
    }

    @Test
    void dockerLoginWithWrongPassword_isBerthsLoginFailure() throws Exception {
      String log = dockerLogin("ci-bot", "wrong");
      assertThat(log).contains("login failed");
      Diagnosis d = top(log);
      assertThat(d.signature().id()).isEqualTo("berth-login-failed");
      assertThat(d.facts()).containsEntry("user", "ci-bot").containsEntry("reason", "wrong_password");
    }

    @Test
    void dockerPullOfMissingTag_isManifestUnknown() throws Exception {
      String log = dockerLogin("ci-bot", "secretpw") + docker("pull", registry + "/hoge/nothing:1");
      assertTop(log, "manifest-unknown");
    }

    @Test
    void dockerPushToClosedPort_isConnectionRefused() throws Exception {
      int port = freePort();
      dockerd().docker("tag", "busybox:local", "127.0.0.1:" + port + "/x/y:1");
      assertTop(docker("push", "127.0.0.1:" + port + "/x/y:1"), "network-connection-refused");
    }

    @Test
    void dockerWithoutDaemon_isDaemonUnreachable() throws Exception {
      Path docker = Tools.require("docker", "/usr/bin/docker");
      String log = Tools.log(Tools.env("DOCKER_HOST", "unix://" + tmp.resolve("none.sock")), Duration.ofSeconds(30),
          List.of(docker.toString(), "push", registry + "/hoge/fuga/app:1"));
      assertTop(log, "daemon-unreachable");
    }

    @Test
    void skopeoWithWrongPassword_isBerthsLoginFailure() {
      String log = skopeo("copy", "--dest-creds", "ci-bot:wrong", "--dest-tls-verify=false", "oci:" + oci + ":v1", "docker://" + registry + "/hoge/fuga/app:s1");
      Diagnosis d = top(log);
      assertThat(d.signature().id()).as(log).isEqualTo("berth-login-failed");
      assertThat(d.facts()).containsEntry("reason", "wrong_password");
    }

    @Test
    void skopeoWithPullOnlyGrant_isBerthsExplainedDenial() {
      String log = skopeo("copy", "--dest-creds", "ci-bot:secretpw", "--dest-tls-verify=false", "oci:" + oci + ":v1", "docker://" + registry + "/hoge/fuga/app:s2");
      Diagnosis d = top(log);
      assertThat(d.signature().id()).as(log).isEqualTo("berth-denied");
      assertThat(d.facts()).containsEntry("principal", "user \"ci-bot\"").containsEntry("reason", "action_not_granted");
    }

    @Test
    void skopeoOverHttpsToPlainHttpRegistry_isHttpResponseToHttpsClient() {
      assertTop(skopeo("copy", "--dest-creds", "ci-bot:secretpw", "oci:" + oci + ":v1", "docker://" + registry + "/hoge/fuga/app:s3"), "http-response-to-https");
    }

    @Test
    void skopeoInspectOfMissingTag_isManifestUnknown() {
      assertTop(skopeo("inspect", "--creds", "ci-bot:secretpw", "--tls-verify=false", "docker://" + registry + "/hoge/nothing:1"), "manifest-unknown");
    }
  }

  /** Debian's docker-registry (distribution 2.8) with htpasswd: the upstream wording of the same failures. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class AgainstDistribution {
    Path tmp;
    Process registryProcess;
    String registry;
    PrivateDockerd dockerd;
    Path oci;

    @BeforeAll
    void start() throws Exception {
      tmp = Files.createTempDirectory("berth-doctor-dist");
      Path bin = Tools.require("docker-registry", "/usr/bin/docker-registry");
      int port = freePort();
      registry = "127.0.0.1:" + port;
      Files.writeString(tmp.resolve("htpasswd"), "ci-bot:" + Passwords.hash("secretpw".toCharArray()) + "\n");
      Files.writeString(tmp.resolve("config.yml"), String.join("\n",
          "version: 0.1",
          "storage:",
          "  filesystem:",
          "    rootdirectory: " + tmp.resolve("data"),
          "http:",
          "  addr: " + registry,
          "auth:",
          "  htpasswd:",
          "    realm: basic-realm",
          "    path: " + tmp.resolve("htpasswd"),
          ""));
      registryProcess = new ProcessBuilder(bin.toString(), "serve", tmp.resolve("config.yml").toString()).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("registry.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          break;
        } catch (IOException e) {
          Thread.sleep(100);
        }
      }
      oci = OciLayout.write(tmp.resolve("oci"), "v1");
    }

    @AfterAll
    void stop() throws Exception {
      if (dockerd != null) dockerd.close();
      if (registryProcess != null) {
        registryProcess.destroy();
        registryProcess.waitFor(10, TimeUnit.SECONDS);
      }
      PrivateDockerd.deleteQuietly(tmp);
    }

    PrivateDockerd dockerd() throws Exception {
      if (dockerd == null) dockerd = PrivateDockerd.start();
      return dockerd;
    }

    String docker(String... args) throws Exception {
      PrivateDockerd d = dockerd();
      List<String> cmd = new ArrayList<>(List.of(d.docker.toString()));
      cmd.addAll(List.of(args));
      return Tools.log(d.env(), Duration.ofSeconds(90), cmd);
    }

    @Test
    void dockerPushWithoutLogin_isNoBasicAuthCredentials() throws Exception {
      dockerd().docker("tag", "busybox:local", registry + "/hoge/app:1");
      String log = docker("push", registry + "/hoge/app:1");
      assertThat(log).contains("no basic auth credentials");
      assertTop(log, "no-basic-auth-credentials");
    }

    @Test
    void dockerLoginWithWrongPassword_isWrongCredentials() throws Exception {
      PrivateDockerd d = dockerd();
      Path pw = tmp.resolve("pw");
      Files.writeString(pw, "wrong");
      ProcessBuilder pb = new ProcessBuilder(d.docker.toString(), "login", "-u", "ci-bot", "--password-stdin", registry).redirectErrorStream(true)
          .redirectInput(pw.toFile());
      pb.environment().putAll(d.env());
      Process p = pb.start();
      String log = new String(p.getInputStream().readAllBytes());
      p.waitFor(60, TimeUnit.SECONDS);
      assertTop(log, "wrong-credentials");
    }

    @Test
    void skopeoWithWrongPassword_isContainersImageCredentials() {
      Path skopeo = Tools.require("skopeo", "/usr/bin/skopeo");
      String log = Tools.log(Tools.env("REGISTRY_AUTH_FILE", tmp.resolve("auth.json").toString()), Duration.ofSeconds(60),
          List.of(skopeo.toString(), "copy", "--dest-creds", "ci-bot:wrong", "--dest-tls-verify=false", "oci:" + oci + ":v1", "docker://" + registry + "/hoge/app:s1"));
      assertThat(log).contains("unauthorized: authentication required");
      assertTop(log, "skopeo-auth-file");
    }

    @Test
    void skopeoInspectOfMissingTag_isManifestUnknown() {
      Path skopeo = Tools.require("skopeo", "/usr/bin/skopeo");
      String log = Tools.log(null, Duration.ofSeconds(60),
          List.of(skopeo.toString(), "inspect", "--creds", "ci-bot:secretpw", "--tls-verify=false", "docker://" + registry + "/hoge/nothing:1"));
      assertTop(log, "manifest-unknown");
    }
  }


}
