package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.testing.CuttingProxy;
import dev.berth.client.testing.DistributionRegistry;
import dev.berth.client.testing.TestImages;
import dev.berth.oci.Digest;
import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The berth client commands end to end against berth's own server (in-process, token auth) and
 * Debian's docker-registry: login, push, pull, copy between the two, tag, tags, inspect, digest,
 * rm, exit codes, and a push that resumes after its connection is cut.
 */
class ClientAgainstBerthTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path shared;
  static BerthServer berth;
  static DistributionRegistry distribution;
  static String host;

  @BeforeAll
  static void start() throws Exception {
    berth = BerthServer.start(ServerConfig.defaults(shared.resolve("berth")).withListen("127.0.0.1", 0)
        .withAuth(ServerConfig.Auth.token("admin-secret")));
    host = berth.baseUri().getAuthority();
    distribution = DistributionRegistry.start(shared.resolve("distribution"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (berth != null) berth.close();
    if (distribution != null) distribution.close();
  }

  static Map<String, String> env(Path dockerConfig) {
    Map<String, String> e = new HashMap<>();
    e.put("DOCKER_CONFIG", dockerConfig.toString());
    e.put("HOME", dockerConfig.toString());
    return e;
  }

  @Test
  void login_push_pull_copy_tag_inspect_rm(@TempDir Path tmp) throws Exception {
    Map<String, String> env = env(tmp.resolve("docker"));
    Digest d = TestImages.image(tmp.resolve("src"), "1.0", 21, 3000, 300_000);
    String ref = host + "/hoge/fuga/app:1.0";

    Cli.Result anonymous = Cli.run(env, null, "push", "oci:" + tmp.resolve("src") + ":1.0", ref);
    assertThat(anonymous.exit()).as(anonymous.toString()).isEqualTo(3);
    assertThat(anonymous.err()).contains("fix:").contains("berth login");

    Cli.Result wrong = Cli.run(env, "nope\n", "login", host, "-u", "admin", "--password-stdin");
    assertThat(wrong.exit()).as(wrong.toString()).isEqualTo(3);
    assertThat(wrong.err()).doesNotContain("nope");

    Cli.Result login = Cli.run(env, "admin-secret\n", "login", host, "-u", "admin", "--password-stdin");
    assertThat(login.exit()).as(login.toString()).isZero();
    JsonNode config = JSON.readTree(tmp.resolve("docker/config.json").toFile());
    assertThat(config.path("auths").path(host).path("auth").asText()).isNotEmpty();
    assertThat(login.out() + login.err()).doesNotContain("admin-secret");

    Cli.Result push = Cli.run(env, null, "push", "--json", "oci:" + tmp.resolve("src") + ":1.0", ref);
    assertThat(push.exit()).as(push.toString()).isZero();
    assertThat(push.out()).contains("\"event\":\"done\"").contains(d.toString());

    Cli.Result digest = Cli.run(env, null, "digest", ref);
    assertThat(digest.out().trim()).isEqualTo(d.toString());

    Cli.Result tag = Cli.run(env, null, "tag", ref, "stable");
    assertThat(tag.exit()).as(tag.toString()).isZero();
    Cli.Result tags = Cli.run(env, null, "tags", host + "/hoge/fuga/app");
    assertThat(tags.out().lines()).containsExactlyInAnyOrder("1.0", "stable");

    Cli.Result inspect = Cli.run(env, null, "inspect", "--json", ref);
    JsonNode info = JSON.readTree(inspect.out());
    assertThat(info.path("digest").asText()).isEqualTo(d.toString());
    assertThat(info.path("layers")).hasSize(2);
    assertThat(info.path("platform").asText()).isEqualTo("linux/amd64");
    Cli.Result raw = Cli.run(env, null, "inspect", "--raw", ref);
    assertThat(Digest.sha256(raw.out().getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(d);
    assertThat(Cli.run(env, null, "inspect", "--config", ref).out()).contains("\"diff_ids\"");

    // berth -> distribution -> berth, byte-identical
    String other = distribution.host() + "/copied/app:1.0";
    Cli.Result copy = Cli.run(env, null, "copy", ref, other);
    assertThat(copy.exit()).as(copy.toString()).isZero();
    Cli.Result back = Cli.run(env, null, "copy", other, host + "/hoge/back:1.0");
    assertThat(back.exit()).as(back.toString()).isZero();
    Cli.Result pull = Cli.run(env, null, "pull", host + "/hoge/back:1.0", "oci:" + tmp.resolve("pulled") + ":1.0");
    assertThat(pull.exit()).as(pull.toString()).isZero();
    assertThat(pull.err()).contains("blob sha256:");
    assertThat(TestImages.blobNames(tmp.resolve("pulled"))).isEqualTo(TestImages.blobNames(tmp.resolve("src")));

    Cli.Result rm = Cli.run(env, null, "rm", host + "/hoge/fuga/app:stable");
    assertThat(rm.exit()).as(rm.toString()).isZero();
    Cli.Result gone = Cli.run(env, null, "digest", ref);
    assertThat(gone.exit()).as(gone.toString()).isEqualTo(4);

    Cli.Result usage = Cli.run(env, null, "pull", "oci:" + tmp.resolve("src"), "oci:" + tmp.resolve("x"));
    assertThat(usage.exit()).isEqualTo(2);

    Cli.Result logout = Cli.run(env, null, "logout", host);
    assertThat(logout.exit()).isZero();
    assertThat(JSON.readTree(tmp.resolve("docker/config.json").toFile()).path("auths").has(host)).isFalse();
  }

  @Test
  void envCredentials_scopedToTheirRegistry(@TempDir Path tmp) throws Exception {
    TestImages.image(tmp.resolve("src"), "1", 22, 1000);
    Map<String, String> env = env(tmp.resolve("docker"));
    env.put("BERTH_REGISTRY_USER", "admin");
    env.put("BERTH_REGISTRY_PASSWORD", "admin-secret");
    env.put("BERTH_REGISTRY", "elsewhere.example.com");
    assertThat(Cli.run(env, null, "push", "oci:" + tmp.resolve("src") + ":1", host + "/env/app:1").exit()).isEqualTo(3);
    env.put("BERTH_REGISTRY", host);
    Cli.Result ok = Cli.run(env, null, "push", "oci:" + tmp.resolve("src") + ":1", host + "/env/app:1");
    assertThat(ok.exit()).as(ok.toString()).isZero();
  }

  @Test
  void aCutConnection_resumesFromTheAcknowledgedRange_withoutResendingIt(@TempDir Path tmp) throws Exception {
    long layer = 48L << 20;
    long chunk = 4L << 20;
    Digest d = TestImages.image(tmp.resolve("src"), "big", 23, layer);
    Map<String, String> env = env(tmp.resolve("docker"));
    env.put("BERTH_REGISTRY_USER", "admin");
    env.put("BERTH_REGISTRY_PASSWORD", "admin-secret");
    try (CuttingProxy proxy = new CuttingProxy(berth.port(), 21L << 20)) {
      env.put("BERTH_REGISTRY", proxy.host());
      Cli.Result r = Cli.run(env, null, "push", "--json", "--chunk-size", "4m", "oci:" + tmp.resolve("src") + ":big", proxy.host() + "/resume/app:big");
      assertThat(r.exit()).as(r.toString()).isZero();
      assertThat(proxy.didCut()).isTrue();
      JsonNode resume = r.out().lines().map(l -> {
        try {
          return JSON.readTree(l);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).filter(n -> n.path("event").asText().equals("resume")).findFirst().orElseThrow(() -> new AssertionError("no resume event in " + r));
      // The registry kept what it acknowledged (and what arrived after): the upload went on from there, not from 0.
      assertThat(resume.path("offset").asLong()).isGreaterThanOrEqualTo(16L << 20);
      // On the wire, no more than the layer plus the one chunk in flight (plus HTTP headers) went upstream.
      assertThat(proxy.upstreamBytes()).isLessThanOrEqualTo(layer + 4096 + chunk + 256 * 1024);
    }
    env.put("BERTH_REGISTRY", host);
    Cli.Result pull = Cli.run(env, null, "pull", host + "/resume/app:big", "oci:" + tmp.resolve("back") + ":big");
    assertThat(pull.exit()).as(pull.toString()).isZero();
    assertThat(Cli.run(env, null, "digest", "oci:" + tmp.resolve("back") + ":big").out().trim()).isEqualTo(d.toString());
  }
}
