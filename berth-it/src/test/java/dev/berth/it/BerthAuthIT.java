package dev.berth.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Access control with real clients against {@code berth serve} as a team runs it (default, secure
 * settings): docker login with a CI token then build/tag/push/pull/run; a pull-only user's push
 * showing berth's explanation in the docker CLI's own output; wrong password and expired token
 * each with their message; skopeo and Jib with credentials; and the failure that started the
 * project, reproduced through the real Docker engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BerthAuthIT {
  Path dir;
  SecureBerth berth;
  DockerEngine engine;

  @BeforeAll
  void start() throws IOException {
    dir = Dirs.shortTemp("bauth");
    berth = SecureBerth.start(dir);
    engine = DockerEngine.get();
    BusyboxImage.ensure(engine);
  }

  @AfterAll
  void stop() {
    if (berth != null) berth.close();
    if (System.getenv("BERTH_IT_KEEP") == null) Dirs.deleteQuietly(dir);
  }

  /** The docker CLI with its own client config (its own logins). */
  Command docker(String config, String... args) {
    return engine.docker(args).env("DOCKER_CONFIG", dir.resolve("docker-" + config).toString());
  }

  Command.Result login(String config, String user, String password) {
    return docker(config, "login", berth.host, "-u", user, "--password-stdin").stdin(password + "\n").run();
  }

  @Test
  void ciTokenLoginThenBuildTagPushPullAndRun() throws IOException {
    String token = berth.admin(null, "token", "create", "--ci", "--push", "hoge/fuga", "--ttl", "1h").stdout().strip();
    assertThat(token).startsWith("berth_ci_");
    Command.Result login = login("ci", "ci-token", token);
    assertThat(login.exitCode()).as(login.describe()).isZero();
    assertThat(login.stdout()).contains("Login Succeeded");
    assertThat(login.describe()).doesNotContain(token);

    Path ctx = engine.workDir("auth-ci");
    Files.writeString(ctx.resolve("Dockerfile"), "FROM " + BusyboxImage.NAME + "\nCMD [\"echo\", \"pushed by a CI token\"]\n");
    String remote = berth.host + "/hoge/fuga/nyanyanya/scala:1";
    docker("ci", "build", "-q", "-t", remote, ctx.toString()).runOk();
    Command.Result push = docker("ci", "push", remote).run();
    assertThat(push.exitCode()).as(push.describe()).isZero();
    docker("ci", "rmi", remote).runOk();
    docker("ci", "pull", remote).runOk();
    Command.Result run = docker("ci", "run", "--rm", "--network", "none", remote).runOk();
    assertThat(run.stdout().strip()).isEqualTo("pushed by a CI token");
    docker("ci", "rmi", remote).run();

    // the same token cannot push elsewhere, and says so
    docker("ci", "tag", BusyboxImage.NAME, berth.host + "/other/app:1").runOk();
    Command.Result elsewhere = docker("ci", "push", berth.host + "/other/app:1").run();
    assertThat(elsewhere.exitCode()).isNotZero();
    assertThat(elsewhere.output()).contains("is scoped to namespace \"hoge/fuga\", not other/app");
    docker("ci", "rmi", berth.host + "/other/app:1").run();
  }

  @Test
  void pushWithAPullOnlyUserShowsWhyInTheDockerCliOutput() {
    berth.admin("puller-password\n", "user", "add", "puller", "--password-stdin");
    berth.admin(null, "grant", "pull", "hoge", "puller");
    assertThat(login("puller", "puller", "puller-password").exitCode()).isZero();
    String remote = berth.host + "/hoge/fuga/app:1";
    docker("puller", "tag", BusyboxImage.NAME, remote).runOk();
    Command.Result push = docker("puller", "push", remote).run();
    assertThat(push.exitCode()).isNotZero();
    assertThat(push.output())
        .contains("denied: push to hoge/fuga/app refused: user \"puller\" has pull on namespace \"hoge\"")
        .contains("berth grant push hoge/fuga puller");
    docker("puller", "rmi", remote).run();
    Command.Result audit = berth.admin(null, "audit", "--denied", "--principal", "user:puller");
    assertThat(audit.stdout()).contains("push repository:hoge/fuga/app").contains("docker daemon");
  }

  @Test
  void wrongPasswordAndExpiredTokenEachSayWhat() throws InterruptedException {
    Command.Result wrong = login("wrong", "admin", "not-the-password");
    assertThat(wrong.exitCode()).isNotZero();
    assertThat(wrong.output()).contains("login failed for user \"admin\": wrong password");
    String token = berth.admin(null, "token", "create", "--ci", "--push", "hoge", "--ttl", "2s").stdout().strip();
    Thread.sleep(3000);
    Command.Result expired = login("expired", "ci-token", token);
    assertThat(expired.exitCode()).isNotZero();
    assertThat(expired.output()).containsPattern("CI token #\\d+ of user \"admin\" expired at").contains("berth token create --ci --push hoge");
  }

  @Test
  void skopeoWithCredentials() {
    Skopeo skopeo = Skopeo.create(dir.resolve("skopeo"));
    OciLayout.Image image = new OciLayout.Builder(dir.resolve("layout"))
        .layer(tar -> tar.file("hello.txt", 0644, "skopeo with credentials\n".getBytes(StandardCharsets.UTF_8)))
        .build("v1");
    String dest = "docker://" + berth.host + "/skopeo/app:v1";
    Command.Result anonymous = skopeo.run("copy", "--dest-tls-verify=false", "oci:" + image.dir() + ":v1", dest);
    assertThat(anonymous.exitCode()).isNotZero();
    assertThat(anonymous.output()).contains("no credentials reached the registry");
    Command.Result bad = skopeo.run("copy", "--dest-tls-verify=false", "--dest-creds", "admin:nope", "oci:" + image.dir() + ":v1", dest);
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.output()).contains("wrong password");
    skopeo.ok("copy", "--dest-tls-verify=false", "--dest-creds", "admin:" + SecureBerth.ADMIN_PASSWORD, "oci:" + image.dir() + ":v1", dest);
    Command.Result inspect = skopeo.ok("inspect", "--tls-verify=false", "--creds", "admin:" + SecureBerth.ADMIN_PASSWORD, dest);
    assertThat(inspect.stdout()).contains("\"Name\": \"" + berth.host + "/skopeo/app\"").contains("\"v1\"").containsPattern("\"Digest\": \"sha256:[0-9a-f]{64}\"");
    Command.Result tags = skopeo.run("list-tags", "--tls-verify=false", "docker://" + berth.host + "/skopeo/app");
    assertThat(tags.exitCode()).isNotZero();
    assertThat(tags.output()).contains("no credentials reached the registry");
  }

  @Test
  void jibWithCredentials() throws Exception {
    // Jib sends credentials over plain HTTP only when told to (its documented switch for local registries)
    System.setProperty("sendCredentialsOverHttp", "true");
    Path app = dir.resolve("jib-app");
    Files.createDirectories(app);
    Files.writeString(app.resolve("app.txt"), "built by jib\n");
    JibContainer c = Jib.fromScratch()
        .addFileEntriesLayer(FileEntriesLayer.builder().addEntry(app.resolve("app.txt"), AbsoluteUnixPath.get("/app/app.txt")).build())
        .setEntrypoint("/app/run")
        .containerize(Containerizer.to(RegistryImage.named(berth.host + "/jib/auth:1").addCredential("admin", SecureBerth.ADMIN_PASSWORD))
            .setAllowInsecureRegistries(true)
            .setBaseImageLayersCache(dir.resolve("jib-cache/base"))
            .setApplicationLayersCache(dir.resolve("jib-cache/app"))
            .setToolName("berth-it"));
    assertThat(c.getDigest().toString()).startsWith("sha256:");
    Command.Result audit = berth.admin(null, "audit", "--principal", "user:admin");
    assertThat(audit.stdout()).contains("push repository:jib/auth").contains("client=jib");
  }

  /**
   * The seed failure: a docker CLI 1.13.1 (CentOS's) talks to a newer daemon and sends the login
   * as a map in X-Registry-Auth; the daemon ignores it and pushes anonymously. Reproduced by
   * calling the real engine's push API as that CLI does; the error the engine reports carries
   * berth's explanation, with both versions and the fix.
   */
  @Test
  void anOldCliBehindANewDaemonGetsTheRealCauseNamed() throws IOException {
    String remote = berth.host + "/hoge/fuga/seed:1";
    docker("seed", "tag", BusyboxImage.NAME, remote).runOk();
    String authMap = "{\"" + berth.host + "\":{\"username\":\"admin\",\"password\":\"" + SecureBerth.ADMIN_PASSWORD + "\",\"serveraddress\":\"" + berth.host + "\"}}";
    String xRegistryAuth = Base64.getUrlEncoder().encodeToString(authMap.getBytes(StandardCharsets.UTF_8));
    String response = engineApi("POST /v1.26/images/" + berth.host + "/hoge/fuga/seed/push?tag=1 HTTP/1.1\r\n"
        + "Host: docker\r\nUser-Agent: Docker-Client/1.13.1 (linux)\r\nX-Registry-Auth: " + xRegistryAuth + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(response)
        .contains("no credentials reached the registry")
        .contains("docker CLI 1.13.1 is talking to docker daemon 20.10")
        .contains("X-Registry-Auth")
        .contains("install a docker CLI matching the daemon");
    docker("seed", "rmi", remote).run();
  }

  private String engineApi(String request) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(engine.socket()))) {
      ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
      var out = new java.io.ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (ch.read(buf) >= 0 && System.nanoTime() < deadline) {
        buf.flip();
        out.write(buf.array(), 0, buf.limit());
        buf.clear();
      }
      return out.toString(StandardCharsets.UTF_8);
    }
  }
}
