package dev.berth.server;

import java.net.URI;

/**
 * The registry server: {@code BerthServer.start(config)} opens the metadata store and storage
 * driver and starts listening; {@link #close()} stops it.
 */
public final class BerthServer implements AutoCloseable {
  private BerthServer() {}

  public static BerthServer start(ServerConfig config) throws Exception {
    throw new UnsupportedOperationException("not yet");
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    throw new UnsupportedOperationException("not yet");
  }

  /** {@code http://host:port} */
  public URI baseUri() {
    throw new UnsupportedOperationException("not yet");
  }

  @Override
  public void close() throws Exception {}
}
