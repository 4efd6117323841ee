package dev.berth.conformance;

import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull and discovery areas (which push their own content first) against berth with token
 * authentication: every request goes through the Docker token flow (401 with a Bearer challenge,
 * a token fetched from berth's token endpoint with Basic credentials, the request retried), the
 * way docker, skopeo and Jib talk to a protected registry. Only two areas, to keep the module fast;
 * the full suite runs unauthenticated in {@link BerthConformanceTest}.
 */
@DisplayName("berth (in-process, token auth)")
class BerthTokenAuthConformanceTest implements PullConformance, DiscoveryConformance {
  static final String PASSWORD = "conformance-admin-password";

  @TempDir static Path dir;
  static BerthServer server;
  static Target target;

  @BeforeAll
  static void start() throws Exception {
    server = BerthServer.start(ServerConfig.defaults(dir).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.token(PASSWORD)));
    target = Target.builder("berth with token auth", server.baseUri())
        .credentials(new Credentials("admin", PASSWORD))
        .declaresAll()
        .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) server.close();
    server = null;
  }

  @Override
  public Target target() {
    return target;
  }
}
