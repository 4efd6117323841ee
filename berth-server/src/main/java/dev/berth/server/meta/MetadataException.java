package dev.berth.server.meta;

/**
 * The metadata store failed: the database is unavailable, corrupt, busy beyond the configured
 * timeout, or the store is closed. Unchecked: callers cannot recover and should answer 500.
 */
public class MetadataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public MetadataException(String message) {
    super(message);
  }

  public MetadataException(String message, Throwable cause) {
    super(message, cause);
  }
}
