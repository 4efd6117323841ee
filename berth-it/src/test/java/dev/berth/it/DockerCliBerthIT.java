package dev.berth.it;

/** {@link DockerCliTests} against berth. */
class DockerCliBerthIT extends DockerCliTests {
  @Override
  protected Target target() {
    return Target.BERTH;
  }
}
