package dev.berth.server.meta;

/**
 * The database schema cannot be brought to the version this code expects: it is newer than the
 * code, a recorded migration differs from the shipped one, or a migration failed (and was rolled
 * back). The message says which and what to do.
 */
public class MigrationException extends MetadataException {
  private static final long serialVersionUID = 1L;

  public MigrationException(String message) {
    super(message);
  }

  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
