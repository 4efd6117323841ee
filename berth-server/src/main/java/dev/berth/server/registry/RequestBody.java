package dev.berth.server.registry;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A request body read buffer by buffer, without copying. */
@FunctionalInterface
public interface RequestBody {
  /** Hands every buffer to {@code sink}; returns the number of bytes read. */
  long forEach(Sink sink) throws IOException;

  /** Receives body buffers; may consume them. */
  @FunctionalInterface
  interface Sink {
    void accept(ByteBuffer buffer) throws IOException;
  }
}
