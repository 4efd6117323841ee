package dev.berth.server.registry;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A request body read buffer by buffer, without copying. */
@FunctionalInterface
public interface RequestBody {
  /** Hands every buffer to {@code sink}; returns the number of bytes read. */
  long forEach(Sink sink) throws IOException;

  /** The length the client declared (Content-Length), or -1 when it is not known. */
  default long declaredLength() {
    return -1;
  }

  /** Receives body buffers; may consume them. */
  @FunctionalInterface
  interface Sink {
    void accept(ByteBuffer buffer) throws IOException;
  }
}
