package dev.berth.storage;

import java.io.IOException;

/** There is no object at the path. */
public class ObjectNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String driver, String path) {
    super(driver + ": no object at " + path);
  }
}
