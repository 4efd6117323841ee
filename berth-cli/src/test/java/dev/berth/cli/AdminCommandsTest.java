package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands as an operator runs them, against the data directory of a running server:
 * each change is visible to the next request, and every mistake gets a one-line error.
 */
class AdminCommandsTest {
  @TempDir Path data;
  final HttpClient http = HttpClient.newHttpClient();

  int status(BerthServer s, String method, String path, String user, String password) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(s.baseUri().resolve(path)).method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null) b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  Cli.Result berth(String stdin, String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--data";
    all[args.length + 1] = data.toString();
    return Cli.run(Map.of(), stdin, all);
  }

  @Test
  void usersGrantsTokensAndPublicNamespacesTakeEffectOnARunningServer() throws Exception {
    try (BerthServer s = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("admin-pw")))) {
      Cli.Result add = berth("ci-bot-password\n", "user", "add", "ci-bot", "--password-stdin");
      assertThat(add.exit()).as(add.toString()).isZero();
      assertThat(add.out()).contains("created user \"ci-bot\"").contains("berth grant push NAMESPACE ci-bot").doesNotContain("ci-bot-password");
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-bot", "ci-bot-password")).isEqualTo(403);

      Cli.Result grant = berth(null, "grant", "push", "hoge/fuga", "ci-bot");
      assertThat(grant.out()).contains("grant #1: ci-bot may push on hoge/fuga (and below)");
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-bot", "ci-bot-password")).isEqualTo(202);
      assertThat(berth(null, "user", "ls").out()).contains("ci-bot").contains("push hoge/fuga");

      assertThat(berth(null, "revoke", "push", "hoge/fuga", "ci-bot").exit()).isZero();
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-bot", "ci-bot-password")).isEqualTo(403);

      Cli.Result token = berth(null, "token", "create", "--ci", "--push", "hoge/fuga", "--ttl", "1h");
      assertThat(token.exit()).as(token.toString()).isZero();
      String secret = token.out().trim();
      assertThat(secret).startsWith("berth_ci_");
      assertThat(token.err()).contains("CI token #1").contains("docker login");
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-token", secret)).isEqualTo(202);
      assertThat(status(s, "POST", "/v2/other/app/blobs/uploads/", "ci-token", secret)).isEqualTo(403);
      assertThat(berth(null, "token", "ls").out()).contains("hoge/fuga").contains("active").doesNotContain(secret);
      assertThat(berth(null, "token", "revoke", "1").exit()).isZero();
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-token", secret)).isEqualTo(401);

      assertThat(status(s, "GET", "/v2/pub/app/tags/list", null, null)).isEqualTo(401);
      assertThat(berth(null, "namespace", "public", "pub").exit()).isZero();
      assertThat(status(s, "GET", "/v2/pub/app/tags/list", null, null)).isEqualTo(404); // allowed; nothing pushed there

      Cli.Result audit = berth(null, "audit", "--denied", "--json");
      assertThat(audit.out()).contains("\"principal\":\"user:ci-bot\"").contains("\"reason\":\"token_revoked\"");
    }
  }

  @Test
  void htpasswdImportAcceptsBcryptOnly() throws Exception {
    try (BerthServer s = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("admin-pw")))) {
      Path f = data.resolve("htpasswd");
      Files.writeString(f, "alice:" + dev.berth.server.auth.Passwords.hash("alice-pw".toCharArray()).replace("$2b$", "$2y$") + "\n");
      assertThat(berth(null, "user", "import-htpasswd", f.toString()).out()).contains("imported 1 user(s)");
      assertThat(status(s, "GET", "/v2/", "alice", "alice-pw")).isEqualTo(200);
      Files.writeString(f, "bob:{SHA}abc\n");
      Cli.Result bad = berth(null, "user", "import-htpasswd", f.toString());
      assertThat(bad.exit()).isEqualTo(2);
      assertThat(bad.err()).contains("line 1").contains("not a bcrypt hash");
    }
  }

  @Test
  void mistakesAreOneLineErrors() {
    Cli.Result noData = Cli.run(Map.of(), null, "user", "ls", "--data", data.resolve("nowhere").toString());
    assertThat(noData.exit()).isEqualTo(2);
    assertThat(noData.err()).contains("no berth registry data in").contains("berth serve --data").doesNotContain("Exception");
    Cli.Result badAction = Cli.run(Map.of(), null, "grant", "write", "hoge", "x", "--data", data.toString());
    assertThat(badAction.err()).contains("unknown action \"write\"");
  }

  @Test
  void theSameCommandsWorkThroughTheAdminApiOfARunningServer() throws Exception {
    try (BerthServer s = BerthServer.start(ServerConfig.defaults(data).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token("admin-pw")))) {
      String url = s.baseUri().toString();
      Map<String, String> env = Map.of("DOCKER_CONFIG", data.resolve("docker").toString());
      Cli.Result noLogin = Cli.run(env, null, "user", "ls", "--server", url);
      assertThat(noLogin.exit()).isEqualTo(3);
      assertThat(noLogin.err()).contains("no stored login for").contains("berth login");
      Cli.Result login = Cli.run(env, "admin-pw\n", "login", s.baseUri().getAuthority(), "-u", "admin", "--password-stdin");
      assertThat(login.exit()).as(login.toString()).isZero();

      assertThat(Cli.run(env, "ci-bot-password\n", "user", "add", "ci-bot", "--password-stdin", "--server", url).exit()).isZero();
      assertThat(Cli.run(env, null, "grant", "push", "hoge/fuga", "ci-bot", "--server", url).out()).contains("grant #1");
      assertThat(status(s, "POST", "/v2/hoge/fuga/app/blobs/uploads/", "ci-bot", "ci-bot-password")).isEqualTo(202);
      assertThat(Cli.run(env, null, "user", "ls", "--server", url).out()).contains("ci-bot").contains("push hoge/fuga");
      Cli.Result token = Cli.run(env, null, "token", "create", "--ci", "--pull", "hoge", "--server", url);
      assertThat(token.out().trim()).startsWith("berth_ci_");
      assertThat(Cli.run(env, null, "token", "ls", "--server", url).out()).contains("active");
      assertThat(Cli.run(env, null, "namespace", "public", "pub", "--server", url).exit()).isZero();
      assertThat(Cli.run(env, null, "namespace", "ls", "--server", url).out()).contains("pub");
      assertThat(Cli.run(env, null, "audit", "--server", url, "--json").out()).contains("\"action\":\"admin\"").contains("user:ci-bot");

      // a non-administrator is refused, with the reason
      Map<String, String> env2 = Map.of("DOCKER_CONFIG", data.resolve("docker2").toString());
      Cli.run(env2, "ci-bot-password\n", "login", s.baseUri().getAuthority(), "-u", "ci-bot", "--password-stdin");
      Cli.Result refused = Cli.run(env2, null, "user", "ls", "--server", url);
      assertThat(refused.exit()).isEqualTo(3);
      assertThat(refused.err()).contains("user \"ci-bot\" is not an administrator");
    }
  }
}
