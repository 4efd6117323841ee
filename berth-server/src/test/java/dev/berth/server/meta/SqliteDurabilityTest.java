package dev.berth.server.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed write survives {@code kill -9} of the process (WAL, synchronous=NORMAL): a child JVM
 * writes until it is killed without warning; everything it acknowledged must be there.
 */
class SqliteDurabilityTest {
  @TempDir Path dir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void acknowledgedWritesSurviveKillNine() throws Exception {
    Path db = dir.resolve("meta.db");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"),
        KillNineChild.class.getName(), db.toString());
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process child = pb.start();
    int acknowledged = -1;
    boolean killed = false;
    List<String> other = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("committed ")) {
          acknowledged = Integer.parseInt(line.substring("committed ".length()));
          if (acknowledged >= 200 && !killed) {
            killed = true;
            // SIGKILL: no shutdown hooks, no close, no checkpoint. (Through the handle, which
            // unlike Process.destroyForcibly leaves our end of the pipe open: lines the child
            // wrote before dying were acknowledged too, and are read on to the end.)
            child.toHandle().destroyForcibly();
          }
        } else if (other.size() < 20) {
          other.add(line);
        }
      }
    } finally {
      child.toHandle().destroyForcibly();
      child.waitFor(10, TimeUnit.SECONDS);
    }
    assertThat(acknowledged).as("child output: " + other).isGreaterThanOrEqualTo(200);
    assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

    RepositoryName repo = new RepositoryName("durable/repo");
    try (SqliteMetadataStore store = SqliteMetadataStore.open(db)) {
      for (int i = 0; i <= acknowledged; i++) {
        assertThat(store.manifestByTag(repo, "t" + i)).as("tag t" + i).isPresent();
        assertThat(store.isLinked(repo, Digest.sha256(("layer-" + i).getBytes(UTF_8)))).isTrue();
      }
      // "latest" is at the last acknowledged manifest, or at one the child committed after it but
      // was killed before acknowledging; never behind
      Digest latest = store.manifestByTag(repo, "latest").orElseThrow().digest();
      int latestIndex = store.tagsOf(repo, latest).stream().filter(t -> t.matches("t[0-9]+"))
          .mapToInt(t -> Integer.parseInt(t.substring(1))).max().orElseThrow();
      assertThat(latestIndex).isGreaterThanOrEqualTo(acknowledged);
      assertThat(store.manifest(repo, Digest.sha256(("manifest-" + acknowledged).getBytes(UTF_8)))).isPresent();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
  }
}
