package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.server.BerthServer;
import dev.berth.server.ServerConfig;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** berth doctor registry as a user runs it: verdict line, --json, exit codes. */
class DoctorRegistryCommandTest {
  @Test
  void openRegistry_verdictSuccess_exitZero_andJsonCarriesTheVerdict(@TempDir Path tmp) throws Exception {
    try (BerthServer s = BerthServer.start(ServerConfig.defaults(tmp).withListen("127.0.0.1", 0).withAuth(ServerConfig.Auth.none()))) {
      String ref = "127.0.0.1:" + s.port() + "/team/app:1";
      DoctorCommandTest.Run r = DoctorCommandTest.run("doctor", "registry", ref);
      assertThat(r.exit()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("upload: POST").contains("-> 202").contains("verdict: a push to " + ref + " would succeed");
      DoctorCommandTest.Run j = DoctorCommandTest.run("doctor", "registry", "--json", "--fail-on", "note", ref);
      JsonNode n = new ObjectMapper().readTree(j.out());
      assertThat(n.path("verdict").asText()).isEqualTo("a push to " + ref + " would succeed");
      assertThat(n.path("findings").get(0).path("id").asText()).isEqualTo("registry.http.plain");
      assertThat(j.exit()).isEqualTo(1); // the plain-HTTP note counts with --fail-on note
    }
  }

  @Test
  void closedPort_wouldFail_exitOne_badReference_exitTwo() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0)) {
      port = ss.getLocalPort();
    }
    DoctorCommandTest.Run r = DoctorCommandTest.run("doctor", "registry", "--timeout", "5", "127.0.0.1:" + port + "/x/y");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("[registry.connect]").contains("verdict: a push to 127.0.0.1:" + port + "/x/y would fail: nothing accepts connections");
    assertThat(DoctorCommandTest.run("doctor", "registry", "Bad Ref").exit()).isEqualTo(2);
  }
}
