package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** berth doctor as a user runs it: output, --json, --fail-on and exit codes. */
class DoctorCommandTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(args);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void dockerfileOfTheOriginalStory_isAnErrorWithTheDocker1131Explanation(@TempDir Path tmp) throws Exception {
    Path df = tmp.resolve("Dockerfile");
    Files.writeString(df, "FROM centos:centos7\nRUN yum install -y docker\n");
    Run r = run("doctor", "dockerfile", df.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("ERROR yum install installs \"docker\" from the distribution's repositories: on CentOS/RHEL 7 that is Red Hat's docker 1.13.1")
        .contains(df + ":2").contains("evidence:").contains("why:").contains("fix:");
  }

  @Test
  void failOnDecidesTheExitStatus(@TempDir Path tmp) throws Exception {
    Path df = tmp.resolve("Dockerfile");
    Files.writeString(df, "FROM debian:12\nRUN apt-get install -y curl\n");
    assertThat(run("doctor", "dockerfile", df.toString()).exit()).isZero();
    assertThat(run("doctor", "dockerfile", "--fail-on", "warning", df.toString()).exit()).isEqualTo(1);
    assertThat(run("doctor", "dockerfile", "--fail-on", "bogus", df.toString()).exit()).isEqualTo(2);
    assertThat(run("doctor", "dockerfile", tmp.resolve("missing").toString()).exit()).isEqualTo(2);
  }

  @Test
  void explainTheOriginalJobLog_asJson(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("job.log");
    Files.writeString(log, String.join("\n",
        "$ yum install -y docker",
        "  docker.x86_64 2:1.13.1-91.git07f3374.el7.centos",
        "$ docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY",
        "Login Succeeded",
        "$ sbt docker:publish",
        "[info] The push refers to repository [registry.gitlab.com/hoge/fuga/nyanyanya/scala]",
        "[error] denied: access forbidden",
        ""));
    Run r = run("doctor", "explain", "--json", log.toString());
    assertThat(r.exit()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.path("findings").get(0).path("id").asText()).isEqualTo("explain.credentials-dropped-client-daemon");
    assertThat(j.path("findings").get(0).path("location").asText()).isEqualTo(log + ":7");
    assertThat(j.path("facts").path("diagnoses").get(0).path("hop").asText()).isEqualTo("client → daemon");
    assertThat(j.path("facts").path("diagnoses")).hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void explainOfACleanLog_exitsZero(@TempDir Path tmp) throws Exception {
    Path log = tmp.resolve("ok.log");
    Files.writeString(log, "Successfully built abc\nSuccessfully tagged app:1\n");
    Run r = run("doctor", "explain", log.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("no known failure signature");
  }

  @Test
  void envCheckReportsDriftFromALock(@TempDir Path tmp) throws Exception {
    Path lock = tmp.resolve("berth-env.lock");
    Files.writeString(lock, "# berth doctor env lock v1\njava.version = [8,9)\n");
    Run r = run("doctor", "env", "--check", lock.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("java.version").contains("outside the locked range [8,9)").contains(lock + ":2");
    Run bad = run("doctor", "env", "--check", tmp.resolve("nope.lock").toString());
    assertThat(bad.exit()).isEqualTo(2);
  }

  @Test
  void envSaveWritesALockThatChecksClean(@TempDir Path tmp) throws Exception {
    Path lock = tmp.resolve("berth-env.lock");
    Run save = run("doctor", "env", "--save", lock.toString(), "--json");
    assertThat(Files.readString(lock)).startsWith("# berth doctor env lock v1").contains("java.version = ");
    assertThat(new ObjectMapper().readTree(save.out()).path("facts").path("env").path("java.version").asText()).isNotBlank();
    Run check = run("doctor", "env", "--check", lock.toString(), "--fail-on", "note");
    assertThat(check.out()).doesNotContain("env.drift.");
  }
}
