package dev.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The training run behind ./berth's AOT cache completes: if it did not, the launcher would only
 * say once that it could not make the cache, and every start would be slower without anyone
 * noticing.
 */
class AotTrainingCommandTest {
  @Test
  void servesPushesPullsAndStops() {
    Cli.Result r = Cli.run(Map.of(), null, "aot-training");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains("auth: token").contains("auth: none").contains("Digest:").contains("berth: training run done");
  }

  @Test
  void isNotInTheHelp() {
    assertThat(Cli.run(Map.of(), null, "--help").out()).doesNotContain("aot");
  }
}
