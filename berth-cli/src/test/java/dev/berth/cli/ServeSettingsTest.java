package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeSettingsTest {
  @TempDir Path tmp;

  @Test
  void defaults() {
    ServerConfig c = new ServeSettings().resolve();
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(5000);
    assertThat(c.dataDir()).isEqualTo(Path.of("berth-data").toAbsolutePath());
    assertThat(c.storageConfig()).containsEntry("root", c.dataDir().resolve("storage").toString());
    assertThat(c.uploadExpiry()).isEqualTo(Duration.ofHours(24));
  }

  @Test
  void precedenceIsFlagsThenEnvThenFile() throws Exception {
    Path f = tmp.resolve("berth.conf");
    Files.writeString(f, "# comment\nlisten = 0.0.0.0:6000\ndata = /srv/a\nuploads.expiry = 30m\ncache.manifests = 8MiB\n");
    ServeSettings s = new ServeSettings();
    s.loadFile(f);
    s.loadEnv(Map.of("BERTH_DATA", "/srv/b", "PATH", "/usr/bin"));
    s.set("listen", "127.0.0.1:0", "--listen");
    ServerConfig c = s.resolve();
    assertThat(c.port()).isZero();
    assertThat(c.dataDir()).isEqualTo(Path.of("/srv/b"));
    assertThat(c.uploadExpiry()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.manifestCacheBytes()).isEqualTo(8L << 20);
  }

  @Test
  void unknownKeyInFileIsNamedWithItsOrigin() throws Exception {
    Path f = tmp.resolve("berth.conf");
    Files.writeString(f, "lissen = 1\n");
    ServeSettings s = new ServeSettings();
    s.loadFile(f);
    assertThatThrownBy(s::resolve).isInstanceOf(UserError.class)
        .hasMessageContaining("unknown setting \"lissen\"").hasMessageContaining(f.toString()).hasMessageContaining("listen");
  }

  @Test
  void unknownEnvironmentSettingIsNamed() {
    ServeSettings s = new ServeSettings();
    s.loadEnv(Map.of("BERTH_LISTN", "x"));
    assertThatThrownBy(s::resolve).hasMessageContaining("BERTH_LISTN");
  }

  @Test
  void theLaunchersVariablesAreNotSettings() {
    ServeSettings s = new ServeSettings();
    s.loadEnv(Map.of("BERTH_JAVA_OPTS", "-Xmx1g", "BERTH_AOT", "off", "BERTH_JAR", "/x/berth.jar"));
    assertThat(s.resolve().auth().mode()).isEqualTo("token");
  }

  @Test
  void badValuesNameTheKey() {
    for (String[] kv : new String[][] {
        {"listen", "localhost"}, {"listen", "1.2.3.4:99999"}, {"uploads.expiry", "soon"}, {"cache.manifests", "lots"},
        {"storage.driver", "tape"}, {"auth", "ldap"}, {"storage.filesystem.rot", "/x"}}) {
      ServeSettings s = new ServeSettings();
      s.set(kv[0], kv[1], "--test");
      assertThatThrownBy(s::resolve).as(kv[0]).isInstanceOf(UserError.class).hasMessageContaining("\"" + kv[0] + "\"");
    }
  }

  @Test
  void missingConfigFileIsAClearError() {
    assertThatThrownBy(() -> new ServeSettings().loadFile(tmp.resolve("nope.conf"))).hasMessageContaining("does not exist");
  }
}
