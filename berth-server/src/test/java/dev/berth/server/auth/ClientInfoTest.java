package dev.berth.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientInfoTest {
  @Test
  void dockerDaemonRelayingAnOldCli() {
    ClientInfo c = ClientInfo.parse("docker/18.09.4 go/go1.10.8 git-commit/d14af54 kernel/4.15.0 os/linux arch/amd64 UpstreamClient(Docker-Client/1.13.1 \\(linux\\))");
    assertThat(c.tool()).isEqualTo("docker-daemon");
    assertThat(c.version()).isEqualTo("18.09.4");
    assertThat(c.upstreamVersion()).isEqualTo("1.13.1");
    assertThat(c.describe()).isEqualTo("docker daemon 18.09.4 relaying docker CLI 1.13.1");
    assertThat(c.dockerSkew()).contains("1.13.1").contains("18.09.4").contains("yum install docker").contains("docker-ce-cli 18.09.4");
  }

  @Test
  void matchingCliAndDaemonHaveNoSkew() {
    assertThat(ClientInfo.parse("docker/20.10.24+dfsg1 go/go1.19.8 git-commit/5d6db84 kernel/6.1 os/linux arch/amd64 UpstreamClient(Docker-Client/20.10.24+dfsg1 \\(linux\\))").dockerSkew()).isNull();
    assertThat(ClientInfo.parse("docker/17.06.2-ce go/go1.8.3 UpstreamClient(Docker-Client/1.13.1 \\(linux\\))").dockerSkew()).isNull();
  }

  @Test
  void otherClients() {
    assertThat(ClientInfo.parse("containerd/v1.7.0").describe()).isEqualTo("containerd 1.7.0");
    assertThat(ClientInfo.parse("buildkit/v0.11 moby/v24.0").tool()).isEqualTo("buildkit");
    assertThat(ClientInfo.parse("containers/5.29.2 (github.com/containers/image)").describe()).isEqualTo("podman/buildah (containers/image) 5.29.2");
    assertThat(ClientInfo.parse("skopeo/1.14.0").describe()).isEqualTo("skopeo 1.14.0");
    assertThat(ClientInfo.parse("crane/v0.1.4 go-containerregistry/v0.1.4").tool()).isEqualTo("crane");
    assertThat(ClientInfo.parse("jib 0.9.0 jib-maven-plugin").describe()).isEqualTo("jib 0.9.0 (jib-maven-plugin)");
    assertThat(ClientInfo.parse("kaniko/v1.9.1").tool()).isEqualTo("kaniko");
    assertThat(ClientInfo.parse(null).describe()).isEqualTo("unknown client");
    assertThat(ClientInfo.parse("docker/1.12.6 go/go1.6.4 UpstreamClient(Go-http-client/1.1)").upstreamTool()).isEqualTo("Go-http-client");
  }

  @Test
  void minimumClientVersionsRefuseOldClientsWithTheReason() {
    MinimumClients m = MinimumClients.parse("docker-cli=17.05, docker-daemon=18.09");
    Caller old = caller("docker/20.10.24 go/go1.19 git-commit/x os/linux arch/amd64 UpstreamClient(Docker-Client/1.13.1 \\(linux\\))");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.check(old))
        .hasMessageContaining("docker-cli 1.13.1 is older than 17.05").hasMessageContaining("anonymously");
    m.check(caller("docker/20.10.24 go/go1.19 UpstreamClient(Docker-Client/20.10.24 \\(linux\\))"));
    m.check(caller("skopeo/1.9.3"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MinimumClients.parse("docker-cli")).hasMessageContaining("TOOL=VERSION");
    assertThat(MinimumClients.compare("20.10.24+dfsg1", "20.10")).isPositive();
  }

  static Caller caller(String ua) {
    return new Caller() {
      @Override
      public String header(String name) {
        return name.equals("User-Agent") ? ua : null;
      }

      @Override
      public String remoteAddress() {
        return "127.0.0.1";
      }

      @Override
      public String requestId() {
        return "test";
      }

      @Override
      public String scheme() {
        return "http";
      }

      @Override
      public Object authState() {
        return null;
      }

      @Override
      public void authState(Object state) {}
    };
  }
}
