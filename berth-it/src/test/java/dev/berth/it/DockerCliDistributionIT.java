package dev.berth.it;

/** {@link DockerCliTests} against distribution. */
class DockerCliDistributionIT extends DockerCliTests {
  @Override
  protected Target target() {
    return Target.DISTRIBUTION;
  }
}
