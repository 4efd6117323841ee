package dev.berth.it;

/** {@link SkopeoTests} against berth. */
class SkopeoBerthIT extends SkopeoTests {
  @Override
  protected Target target() {
    return Target.BERTH;
  }
}
