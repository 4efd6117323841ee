package dev.berth.storage;

import java.io.IOException;

/** A writer was asked to resume at an offset past what is stored. */
public class InvalidOffsetException extends IOException {
  private static final long serialVersionUID = 1L;
  private final long stored;

  public InvalidOffsetException(String driver, String path, long offset, long stored) {
    super(driver + ": cannot resume " + path + " at offset " + offset + ", only " + stored + " bytes are stored");
    this.stored = stored;
  }

  public long stored() {
    return stored;
  }
}
