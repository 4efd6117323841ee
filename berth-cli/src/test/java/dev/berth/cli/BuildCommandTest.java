package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth build} end to end: a busybox base (made with docker import, so nothing comes from
 * the internet) is pushed to berth's own server; berth builds a multi-stage Dockerfile FROM it,
 * pushes the result and writes an OCI layout; a second build gives the same digest; the Docker
 * engine pulls the image and runs it.
 */
class BuildCommandTest {
  @TempDir static Path shared;
  static BerthServer berth;
  static String host;

  @BeforeAll
  static void start() throws Exception {
    berth = BerthServer.start(ServerConfig.defaults(shared.resolve("berth")).withListen("127.0.0.1", 0)
        .withAuth(ServerConfig.Auth.token("admin-secret")));
    host = berth.baseUri().getAuthority();
  }

  @AfterAll
  static void stop() throws Exception {
    if (berth != null) berth.close();
  }

  Map<String, String> env(Path tmp) {
    Map<String, String> e = new HashMap<>();
    e.put("DOCKER_CONFIG", tmp.resolve("docker").toString());
    e.put("HOME", tmp.resolve("docker").toString());
    e.put("BERTH_REGISTRY", host);
    e.put("BERTH_REGISTRY_USER", "admin");
    e.put("BERTH_REGISTRY_PASSWORD", "admin-secret");
    return e;
  }

  static Path context(Path dir, String base) throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/hello.txt"), "hello from berth build\n");
    Files.writeString(dir.resolve("src/greet.sh"), "#!/bin/sh\ncat /greeting/hello.txt\n");
    Files.writeString(dir.resolve("build.log"), "not in the image\n");
    Files.writeString(dir.resolve(".dockerignore"), "*.log\n");
    Files.writeString(dir.resolve("Dockerfile"), """
        # syntax=docker/dockerfile:1
        ARG BASE=%s
        FROM scratch AS files
        COPY src/hello.txt /files/

        FROM ${BASE}
        LABEL org.opencontainers.image.title=greeter
        COPY --from=files /files/hello.txt /greeting/
        COPY --chmod=0755 src/greet.sh /usr/local/bin/greet
        ENTRYPOINT ["/usr/local/bin/greet"]
        """.formatted(base));
    return dir;
  }

  @Test
  void buildPushesAnImageThatDockerRuns_andRebuildsToTheSameDigest(@TempDir Path tmp) throws Exception {
    try (PrivateDockerd docker = PrivateDockerd.start()) {
      Map<String, String> env = env(tmp);
      docker.importBusybox("bb:base");
      PrivateDockerd.Run save = docker.docker(null, "save", "bb:base", "-o", tmp.resolve("bb.tar").toString());
      assertThat(save.exit()).as(save.output()).isZero();
      String base = host + "/base/busybox:1";
      Cli.Result pushBase = Cli.run(env, null, "push", "docker-archive:" + tmp.resolve("bb.tar"), base);
      assertThat(pushBase.exit()).as(pushBase.toString()).isZero();

      Path ctx = context(tmp.resolve("ctx"), base);
      String app = host + "/apps/greeter:1";
      Cli.Result build = Cli.run(env, null, "build", "--json", "-t", app, "-t", "oci:" + tmp.resolve("layout") + ":1", ctx.toString());
      assertThat(build.exit()).as(build.toString()).isZero();
      String digest = Json.MAPPER.readTree(build.out().lines().findFirst().orElseThrow()).path("digest").asText();
      assertThat(digest).startsWith("sha256:");
      assertThat(Cli.run(env, null, "digest", app).out().trim()).isEqualTo(digest);
      assertThat(Cli.run(env, null, "digest", "oci:" + tmp.resolve("layout") + ":1").out().trim()).isEqualTo(digest);

      // reproducible: a second build (another copy of the context, newer mtimes) gives the same digest
      Path ctx2 = context(tmp.resolve("ctx2"), base);
      Cli.Result again = Cli.run(env, null, "build", ctx2.toString());
      assertThat(again.exit()).as(again.toString()).isZero();
      assertThat(again.out()).contains("built " + digest);

      PrivateDockerd.Run login = docker.login(tmp.resolve("docker-cli"), host, "admin", "admin-secret");
      assertThat(login.exit()).as(login.output()).isZero();
      PrivateDockerd.Run pull = docker.docker(tmp.resolve("docker-cli"), "pull", app);
      assertThat(pull.exit()).as(pull.output()).isZero();
      PrivateDockerd.Run run = docker.docker(tmp.resolve("docker-cli"), "run", "--rm", "--network", "none", app);
      assertThat(run.exit()).as(run.output()).isZero();
      assertThat(run.output()).contains("hello from berth build");
    }
  }

  @Test
  void runIsRefused_withWhyAndWhatToDo(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("Dockerfile"), "FROM scratch\nRUN mvn package\n");
    Cli.Result r = Cli.run(env(tmp), null, "build", "-t", "oci:" + tmp.resolve("out") + ":1", tmp.toString());
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("Dockerfile, line 2").contains("cannot run commands").contains("fix:");
    assertThat(tmp.resolve("out")).doesNotExist();
  }
}
