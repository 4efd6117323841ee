package dev.berth.doctor.env;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.Finding;
import dev.berth.doctor.PrivateDockerd;
import dev.berth.doctor.Proc;
import dev.berth.doctor.Severity;
import dev.berth.doctor.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * env on this machine: reads the real docker client (/usr/bin/docker, Debian's docker.io) and a
 * real engine (a private dockerd), then checks locks written as a developer machine would have them.
 */
class EnvRealTest {
  static PrivateDockerd dockerd;
  static EnvSnapshot here;
  static String clientVersion;

  @BeforeAll
  static void collect() throws Exception {
    dockerd = PrivateDockerd.start();
    // /usr/bin first, as a CI image with the distribution's docker would have it; the real PATH may have another docker
    Map<String, String> env = Tools.env("DOCKER_HOST", dockerd.host, "DOCKER_CONFIG", dockerd.dir.resolve("config").toString(),
        "PATH", "/usr/bin:/usr/sbin:/bin:" + System.getenv("PATH"));
    here = new EnvCollector(env, Path.of("").toAbsolutePath()).collect();
    clientVersion = Proc.run(env, Duration.ofSeconds(20), dockerd.docker.toString(), "version", "--format", "{{.Client.Version}}").out();
  }

  @AfterAll
  static void stop() {
    if (dockerd != null) dockerd.close();
  }

  @Test
  void readsTheRealClientAndEngine() {
    String serverVersion = dockerd.docker("version", "--format", "{{.Server.Version}}").out();
    assertThat(here.get("docker.path")).isEqualTo("/usr/bin/docker");
    assertThat(here.get("docker.client.version")).isEqualTo(clientVersion);
    assertThat(here.get("docker.server.version")).isEqualTo(serverVersion);
    assertThat(here.get("docker.server.api")).matches("1\\.\\d+");
    assertThat(here.get("docker.server.storage_driver")).isEqualTo("vfs");
    assertThat(here.get("docker.server.insecure_registries")).contains("127.0.0.0/8");
    assertThat(here.get("docker.host")).isEqualTo(dockerd.host);
    assertThat(here.get("os.distro")).isNotBlank();
    assertThat(here.get("java.version")).isNotBlank();
    if (clientVersion.contains("dfsg")) {
      assertThat(here.get("docker.client.origin")).isEqualTo(DockerOrigin.DISTRO);
      assertThat(here.get("docker.client.package")).startsWith("docker.io ");
    }
  }

  @Test
  void reportsEveryDockerBinaryFound() {
    for (String other : List.of("/usr/local/bin/docker", "/snap/bin/docker")) {
      if (Files.isExecutable(Path.of(other)) && !Path.of(other).equals(Path.of(here.get("docker.path")))) {
        assertThat(here.get("docker.other_binaries")).contains(other);
        assertThat(EnvCheck.rules(here)).extracting(Finding::id).contains("env.docker.several-binaries");
      }
    }
  }

  @Test
  void aDeveloperLockWithAFarNewerClientIsAnErrorHere(@TempDir Path tmp) throws Exception {
    // as `berth doctor env --save` writes it on a developer laptop with Docker Desktop 24.0.7
    Path lock = tmp.resolve("berth-env.lock");
    Files.writeString(lock, """
        # berth doctor env lock v1
        # recorded 2026-11-20T09:00:00Z on dev-laptop
        os.distro = ubuntu
        docker.client.version = 24.0.7
        docker.client.api = 1.43
        docker.client.origin = docker-ce
        docker.server.version = 24.0.7
        java.version = 21.0.2
        """);
    List<Finding> fs = EnvCheck.drift(EnvLock.read(lock), here, "berth-env.lock");
    Finding client = fs.stream().filter(f -> f.id().equals("env.drift.docker.client.version")).findFirst().orElseThrow();
    assertThat(Version.parse(clientVersion).dockerGeneration()).isLessThanOrEqualTo(22);
    assertThat(client.severity()).isEqualTo(Severity.ERROR);
    assertThat(client.location()).isEqualTo("berth-env.lock:4");
    assertThat(client.evidence()).contains("24.0.7").contains(clientVersion);
    assertThat(client.fix()).contains("docker-ce-cli");
  }

  @Test
  void theReverse_aLockSavedHereCheckedOnAMachineWithAFarOlderClient() {
    String text = EnvLock.render(here, "this machine");
    EnvLock lock = EnvLock.parse(text);
    assertThat(EnvCheck.drift(lock, here, "berth-env.lock")).as("a machine matches its own lock").isEmpty();
    EnvSnapshot old = new EnvSnapshot();
    here.asMap().forEach(old::put);
    old.put("docker.client.version", "1.13.1").put("docker.client.api", "1.26").put("docker.client.git_commit", "07f3374/1.13.1")
        .put("docker.client.origin", DockerOrigin.REDHAT_FORK);
    List<Finding> fs = EnvCheck.drift(lock, old, "berth-env.lock");
    assertThat(fs).filteredOn(f -> f.severity() == Severity.ERROR).extracting(Finding::id)
        .contains("env.drift.docker.client.version", "env.drift.docker.client.api", "env.drift.docker.client.origin");
    assertThat(EnvCheck.rules(old)).extracting(Finding::id).contains("env.docker.redhat-cli-upstream-daemon");
  }

  @Test
  void aRangeInTheLockIsCheckedAgainstTheRealClient() {
    Version v = Version.parse(clientVersion);
    String range = "[" + v.major() + "." + v.part(1) + "," + (v.major() + 1) + ")";
    EnvLock ok = EnvLock.parse("docker.client.version = " + range + "\n");
    assertThat(EnvCheck.drift(ok, here, "f")).isEmpty();
    EnvLock tooOld = EnvLock.parse("docker.client.version = >=" + (v.major() + 4) + "\n");
    assertThat(EnvCheck.drift(tooOld, here, "f")).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
  }
}
