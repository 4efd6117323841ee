package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.client.testing.DistributionRegistry;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.Tools;
import dev.berth.oci.Digest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real tools, both ways: skopeo, the Docker engine (save, load, pull,
 * run) and docker login, all against Debian's docker-registry with htpasswd (bcrypt) auth.
 */
class RealToolsInteropTest {
  static final String USER = "ci-bot";
  static final String PASSWORD = "correct horse battery staple";
  @TempDir static Path shared;
  static DistributionRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    registry = DistributionRegistry.start(shared.resolve("registry"), USER, PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) registry.close();
  }

  static Map<String, String> env(Path dockerConfig) {
    Map<String, String> e = new HashMap<>();
    e.put("DOCKER_CONFIG", dockerConfig.toString());
    e.put("HOME", dockerConfig.toString());
    return e;
  }

  static String run(Path dir, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
    return out;
  }

  @Test
  void skopeoPushesAnOciLayout_berthPullsItBackIdentical_andTheOtherWayRound(@TempDir Path tmp) throws Exception {
    Tools.require("/usr/bin/skopeo", "apt-get install skopeo");
    Digest d = TestImages.image(tmp.resolve("src"), "1.0", 31, 5000, 400_000);
    String creds = USER + ":" + PASSWORD;
    run(tmp, "/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", creds,
        "oci:" + tmp.resolve("src") + ":1.0", "docker://" + registry.host() + "/skopeo/app:1.0");

    Map<String, String> env = env(tmp.resolve("docker"));
    assertThat(Cli.run(env, PASSWORD, "login", registry.host(), "-u", USER, "--password-stdin").exit()).isZero();
    Cli.Result pull = Cli.run(env, null, "pull", registry.host() + "/skopeo/app:1.0", "oci:" + tmp.resolve("back") + ":1.0");
    assertThat(pull.exit()).as(pull.toString()).isZero();
    assertThat(Cli.run(env, null, "digest", "oci:" + tmp.resolve("back") + ":1.0").out().trim()).isEqualTo(d.toString());
    assertThat(TestImages.blobNames(tmp.resolve("back"))).isEqualTo(TestImages.blobNames(tmp.resolve("src")));

    Cli.Result push = Cli.run(env, null, "push", "oci:" + tmp.resolve("src") + ":1.0", registry.host() + "/berth/app:1.0");
    assertThat(push.exit()).as(push.toString()).isZero();
    run(tmp, "/usr/bin/skopeo", "copy", "--src-tls-verify=false", "--src-creds", creds,
        "docker://" + registry.host() + "/berth/app:1.0", "oci:" + tmp.resolve("skopeo-back") + ":1.0");
    assertThat(TestImages.blobNames(tmp.resolve("skopeo-back"))).isEqualTo(TestImages.blobNames(tmp.resolve("src")));
  }

  @Test
  void dockerEngine_saveLoadPullRun_andSharedLogins(@TempDir Path tmp) throws Exception {
    try (PrivateDockerd docker = PrivateDockerd.start()) {
      docker.importBusybox("bb:base");
      Path dockerCfg = tmp.resolve("docker-cli");
      Path berthCfg = tmp.resolve("berth-cli");

      // docker login -> berth uses the same stored login
      PrivateDockerd.Run dl = docker.login(dockerCfg, registry.host(), USER, PASSWORD);
      assertThat(dl.exit()).as(dl.output()).isZero();
      PrivateDockerd.Run save = docker.docker(dockerCfg, "save", "bb:base", "-o", tmp.resolve("saved.tar").toString());
      assertThat(save.exit()).as(save.output()).isZero();
      Cli.Result push = Cli.run(env(dockerCfg), null, "push", "docker-archive:" + tmp.resolve("saved.tar"), registry.host() + "/bb/app:1");
      assertThat(push.exit()).as(push.toString()).isZero();

      // berth login -> docker uses the same stored login to pull what berth pushed, and runs it
      Cli.Result bl = Cli.run(env(berthCfg), PASSWORD, "login", registry.host(), "-u", USER, "--password-stdin");
      assertThat(bl.exit()).as(bl.toString()).isZero();
      PrivateDockerd.Run pulled = docker.docker(berthCfg, "pull", registry.host() + "/bb/app:1");
      assertThat(pulled.exit()).as(pulled.output()).isZero();
      PrivateDockerd.Run ran = docker.docker(berthCfg, "run", "--rm", "--network", "none", registry.host() + "/bb/app:1", "/bin/echo", "pushed-by-berth");
      assertThat(ran.output()).contains("pushed-by-berth");

      // berth writes a docker-archive that docker load accepts, and the image runs
      Cli.Result out = Cli.run(env(berthCfg), null, "pull", registry.host() + "/bb/app:1", "docker-archive:" + tmp.resolve("for-load.tar") + ":bb/loaded:1");
      assertThat(out.exit()).as(out.toString()).isZero();
      PrivateDockerd.Run load = docker.docker(berthCfg, "load", "-i", tmp.resolve("for-load.tar").toString());
      assertThat(load.exit()).as(load.output()).isZero();
      assertThat(load.output()).contains("bb/loaded:1");
      PrivateDockerd.Run ran2 = docker.docker(berthCfg, "run", "--rm", "--network", "none", "bb/loaded:1", "/bin/echo", "loaded-from-berth");
      assertThat(ran2.output()).contains("loaded-from-berth");

      // same image ID across save -> berth push -> berth pull -> load
      String id1 = docker.docker(berthCfg, "image", "inspect", "-f", "{{.Id}}", "bb:base").output().trim();
      String id2 = docker.docker(berthCfg, "image", "inspect", "-f", "{{.Id}}", "bb/loaded:1").output().trim();
      assertThat(id2).isEqualTo(id1);
      assertThat(List.of(id1)).isNotEmpty();
    }
  }
}
