package dev.berth.it;

/** {@link JibTests} against berth. */
class JibBerthIT extends JibTests {
  @Override
  protected Target target() {
    return Target.BERTH;
  }
}
