package dev.berth.bench;

/** A response that is not what the protocol promises: the run stops, loudly. */
public final class CheckFailed extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckFailed(String message) {
    super(message);
  }

  public CheckFailed(String message, Throwable cause) {
    super(message, cause);
  }
}
