package dev.berth.it;

/** {@link JibTests} against distribution. */
class JibDistributionIT extends JibTests {
  @Override
  protected Target target() {
    return Target.DISTRIBUTION;
  }
}
