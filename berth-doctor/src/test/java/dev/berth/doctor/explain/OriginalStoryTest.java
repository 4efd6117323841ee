package dev.berth.doctor.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.doctor.Finding;
import dev.berth.doctor.Severity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The job log of the failure that started berth (ci-failures.md §1.1): CentOS 7 image, yum install
 * docker, Login Succeeded, then denied: access forbidden while sbt-native-packager pushes.
 */
class OriginalStoryTest {
  static final String JOB_LOG = """
      Running with gitlab-runner 11.9.0 (692ae235)
        on docker-runner-1 8a9c7f1e
      Using Docker executor with image registry.gitlab.com/hoge/ci-images/sbt:latest ...
      Starting service docker:18.09-dind ...
      $ cat /etc/centos-release
      CentOS Linux release 7.6.1810 (Core)
      $ yum install -y docker
      Installed:
        docker.x86_64 2:1.13.1-91.git07f3374.el7.centos
      Complete!
      $ docker version
      Client:
       Version:         1.13.1
       API version:     1.26
       Package version: docker-1.13.1-91.git07f3374.el7.centos.x86_64
       Go version:      go1.10.3
       Git commit:      07f3374/1.13.1
       Built:           Wed Feb 13 17:10:12 2019
       OS/Arch:         linux/amd64

      Server:
       Version:         18.09.4
       API version:     1.39 (minimum version 1.12)
       Go version:      go1.10.8
       Git commit:      d14af54
      $ docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY
      WARNING! Using --password via the CLI is insecure. Use --password-stdin.
      Login Succeeded
      $ sbt docker:publish
      [info] Loading settings for project root from plugins.sbt ...
      [info] Sending build context to Docker daemon  58.9MB
      [info] Successfully built 4d1b9a0c0c2e
      [info] Successfully tagged registry.gitlab.com/hoge/fuga/nyanyanya/scala:0.1.0
      [info] Built image registry.gitlab.com/hoge/fuga/nyanyanya/scala:0.1.0
      [info] The push refers to repository [registry.gitlab.com/hoge/fuga/nyanyanya/scala]
      [info] 7e1b4f6a2c1d: Preparing
      [info] 9b2d4c3e1a0f: Preparing
      [info] 7e1b4f6a2c1d: Waiting
      [error] denied: access forbidden
      [error] java.lang.RuntimeException: Nonzero exit value: 1
      ERROR: Job failed: exit code 1
      """;

  @Test
  void theCredentialForwardingCauseRanksFirst_andTheOthersAreListedBelowIt() {
    List<Diagnosis> ds = new Explainer().explain(JOB_LOG);
    List<Diagnosis> forLine = ds.stream().filter(d -> d.text().contains("denied: access forbidden")).toList();
    assertThat(forLine).extracting(d -> d.signature().id())
        .startsWith("credentials-dropped-client-daemon")
        .contains("login-other-user-or-daemon", "gitlab-job-token-other-project");
    Diagnosis best = forLine.get(0);
    assertThat(best.rank()).isEqualTo(1);
    assertThat(best.signature().hop()).isEqualTo(Catalogue.CLIENT_DAEMON);
    assertThat(best.score()).isGreaterThan(forLine.get(1).score() + 5);
    // ranked by the evidence present: each clue is named with its line
    assertThat(String.join("\n", best.clues()))
        .contains("docker login succeeded").contains("Red Hat's 1.12/1.13 fork").contains("installed docker from the distribution's repositories")
        .contains("upstream (docker-ce/dind) daemon");
  }

  @Test
  void withoutTheClues_theSameErrorStillListsTheCause_butWithLessConfidence() {
    List<Diagnosis> bare = new Explainer().explain("denied: access forbidden\n");
    assertThat(bare).extracting(d -> d.signature().id()).contains("credentials-dropped-client-daemon");
    int bareScore = bare.stream().filter(d -> d.signature().id().equals("credentials-dropped-client-daemon")).findFirst().orElseThrow().score();
    int fullScore = new Explainer().explain(JOB_LOG).stream().filter(d -> d.signature().id().equals("credentials-dropped-client-daemon"))
        .findFirst().orElseThrow().score();
    assertThat(fullScore).isGreaterThan(bareScore + 10);
  }

  @Test
  void asFindings_theBestCandidateIsAnError_andNamesTheLineTheHopAndTheFix() {
    List<Finding> fs = Explainer.findings(new Explainer().explain(JOB_LOG), "job.log");
    Finding first = fs.get(0);
    assertThat(first.severity()).isEqualTo(Severity.ERROR);
    assertThat(first.id()).isEqualTo("explain.credentials-dropped-client-daemon");
    assertThat(first.location()).isEqualTo("job.log:39");
    assertThat(first.evidence()).contains("failing hop: client → daemon").contains("ci-failures.md §1");
    assertThat(first.why()).contains("X-Registry-Auth");
    assertThat(first.fix()).contains("docker-ce-cli");
    assertThat(fs).anySatisfy(f -> assertThat(f.severity()).isEqualTo(Severity.WARNING));
  }
}
