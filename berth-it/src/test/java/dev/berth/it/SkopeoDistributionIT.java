package dev.berth.it;

/** {@link SkopeoTests} against distribution. */
class SkopeoDistributionIT extends SkopeoTests {
  @Override
  protected Target target() {
    return Target.DISTRIBUTION;
  }
}
