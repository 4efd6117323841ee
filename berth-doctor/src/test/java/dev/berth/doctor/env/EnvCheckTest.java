package dev.berth.doctor.env;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drift grading and the single-machine rules, on snapshots written by hand (the real-machine runs are in EnvRealTest). */
class EnvCheckTest {
  static EnvSnapshot snap(String... kv) {
    EnvSnapshot s = new EnvSnapshot();
    for (int i = 0; i < kv.length; i += 2) s.put(kv[i], kv[i + 1]);
    return s;
  }

  static Finding only(List<Finding> fs, String id) {
    return fs.stream().filter(f -> f.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id + " not in " + fs));
  }

  @Test
  void driftIsGradedByDistance() {
    EnvLock lock = EnvLock.parse("docker.client.version = 24.0.7\njava.version = 21.0.2\nmaven.version = 3.9.6\ngit.version = 2.39.5\n");
    List<Finding> fs = EnvCheck.drift(lock, snap("docker.client.version", "20.10.24+dfsg1", "java.version", "21.0.5", "maven.version", "3.8.7",
        "git.version", "2.39.5"), "berth-env.lock");
    assertThat(only(fs, "env.drift.docker.client.version").severity()).isEqualTo(Severity.ERROR);
    assertThat(only(fs, "env.drift.docker.client.version").location()).isEqualTo("berth-env.lock:1");
    assertThat(only(fs, "env.drift.java.version").severity()).isEqualTo(Severity.NOTE);
    assertThat(only(fs, "env.drift.maven.version").severity()).isEqualTo(Severity.WARNING);
    assertThat(fs).noneMatch(f -> f.id().contains("git"));
  }

  @Test
  void rangesWorkLikeEnforcerRules() {
    EnvLock lock = EnvLock.parse("# comment\ndocker.client.version = [20.10,21)\njava.version = >=21\n");
    assertThat(EnvCheck.drift(lock, snap("docker.client.version", "20.10.24", "java.version", "25.0.1"), "f")).isEmpty();
    List<Finding> fs = EnvCheck.drift(lock, snap("docker.client.version", "1.13.1", "java.version", "17.0.15"), "f");
    assertThat(fs).extracting(Finding::severity).containsOnly(Severity.ERROR);
    assertThat(only(fs, "env.drift.java.version").location()).isEqualTo("f:3");
  }

  @Test
  void aMissingDockerIsAnError_andCiVariablesAreNotChecked() {
    EnvLock lock = EnvLock.parse("docker.client.version = 24.0.7\nci.variables = CI,GITLAB_CI\n");
    List<Finding> fs = EnvCheck.drift(lock, snap(), "f");
    assertThat(fs).singleElement().satisfies(f -> assertThat(f.severity()).isEqualTo(Severity.ERROR));
  }

  @Test
  void redHatCliWithUpstreamDaemonIsTheOriginalFailure() {
    EnvSnapshot s = snap("docker.client.version", "1.13.1", "docker.client.git_commit", "07f3374/1.13.1",
        "docker.client.origin", DockerOrigin.classify("1.13.1", "07f3374/1.13.1", "docker-1.13.1-91.git07f3374.el7.centos.x86_64"),
        "docker.server.version", "18.09.4", "docker.server.origin", DockerOrigin.classify("18.09.4", "d14af54", "Docker Engine - Community"));
    Finding f = only(EnvCheck.rules(s), "env.docker.redhat-cli-upstream-daemon");
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.why()).contains("X-Registry-Auth").contains("Login Succeeded");
    assertThat(f.fix()).contains("docker-ce-cli 18.09.4");
  }

  @Test
  void originIsReadFromVersionStrings() {
    assertThat(DockerOrigin.classify("1.13.1", "07f3374/1.13.1", "")).isEqualTo(DockerOrigin.REDHAT_FORK);
    assertThat(DockerOrigin.classify("20.10.24+dfsg1", "297e128", "docker.io 20.10.24+dfsg1-1+deb12u1+b6 (dpkg)")).isEqualTo(DockerOrigin.DISTRO);
    assertThat(DockerOrigin.classify("24.0.7", "afdd53b", "Docker Engine - Community")).isEqualTo(DockerOrigin.UPSTREAM);
    assertThat(DockerOrigin.classify("18.09.4", "d14af54", null)).isEqualTo(DockerOrigin.UPSTREAM);
  }

  @Test
  void dindOnPlainPortWithoutEmptyTlsDir() {
    assertThat(EnvCheck.rules(snap("docker.host", "tcp://docker:2375"))).extracting(Finding::id).contains("env.docker.dind-tls");
    assertThat(EnvCheck.rules(snap("docker.host", "tcp://docker:2375", "docker.tls_certdir", "\"\""))).extracting(Finding::id).doesNotContain("env.docker.dind-tls");
  }

  @Test
  void theLockRoundTrips() {
    EnvSnapshot s = snap("os.distro", "debian", "docker.client.version", "24.0.7", "os.kernel", "6.1", "java.version", "21.0.2");
    EnvLock lock = EnvLock.parse(EnvLock.render(s, "laptop"));
    assertThat(lock.entries()).containsEntry("docker.client.version", "24.0.7").containsEntry("java.version", "21.0.2").doesNotContainKey("os.kernel");
    assertThat(EnvCheck.drift(lock, s, "f")).isEmpty();
  }
}
