package dev.berth.cli;

/** A mistake the user can fix: printed as one line, no stack trace. */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code for a usage or configuration error. */
  public static final int USAGE = 2;

  private final int exitCode;

  public UserError(String message) {
    this(message, USAGE);
  }

  public UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
