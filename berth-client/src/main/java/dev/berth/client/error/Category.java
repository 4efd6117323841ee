package dev.berth.client.error;

/**
 * What kind of failure a {@link ClientException} is, which decides what a user can do about it
 * and the CLI's exit code. The exit codes are stable: scripts may branch on them (docs/client.md).
 */
public enum Category {
  /** A bad argument, reference or option: fix the command line. */
  USAGE(2),
  /** No credentials, wrong credentials, or credentials without the needed permission (401/403). */
  AUTH(3),
  /** The repository, tag, manifest or blob does not exist (404, or missing in a layout/archive). */
  NOT_FOUND(4),
  /** The registry could not be reached, or the connection broke and retries did not help. */
  NETWORK(5),
  /** The registry answered with an error that is not the caller's fault (5xx, 429 after retries, protocol surprises). */
  SERVER(6),
  /** Content did not match its digest or size, or a layout/archive is malformed. */
  INTEGRITY(7),
  /** A local file could not be read or written. */
  LOCAL_IO(8);

  private final int exitCode;

  Category(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
