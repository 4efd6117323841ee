package dev.berth.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every real-client test: one registry process per test class, of the {@link Target}
 * the concrete subclass names. Test classes are written once, abstract, and get one tiny subclass
 * per target ({@code ...DistributionIT}, {@code ...BerthIT}), so the report says plainly which
 * registry a failure belongs to.
 *
 * <p>When a test fails, the tail of the registry's output (and whatever {@link #diagnostics()}
 * adds) is attached to the failure, so the report shows what the server said at that moment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ServerOutputOnFailure.class)
public abstract class RegistryTestBase {
  private RegistryProcess registry;
  private Path registryDir;

  /** Which registry this class runs against. */
  protected abstract Target target();

  @BeforeAll
  final void startRegistry() {
    Assumptions.assumeTrue(target().selected(),
        () -> "target " + target().id() + " not selected by -Dberth.it.targets=" + System.getProperty("berth.it.targets"));
    registryDir = Dirs.shortTemp("bit-reg");
    Path log = Dirs.logs().resolve(getClass().getSimpleName() + ".log");
    registry = target().start(registryDir, log);
  }

  @AfterAll
  final void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
    Dirs.deleteQuietly(registryDir);
  }

  protected final RegistryProcess registry() {
    return registry;
  }

  /** {@code 127.0.0.1:<port>}. */
  protected final String host() {
    return registry.host();
  }

  /** What to attach to a failure; subclasses add their own (e.g. dockerd's log). */
  protected List<String> diagnostics() {
    List<String> out = new ArrayList<>();
    if (registry != null) {
      if (!registry.isAlive()) {
        out.add(registry.name() + " is NOT RUNNING any more (it exited during the test)");
      }
      out.add(registry.outputTail(60));
    }
    return out;
  }
}
