package dev.berth.client.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a registry that, once, cuts the connection after
 * {@code cutAfter} bytes went upstream in one connection (a dropped connection in the middle of
 * an upload). Counts every byte sent upstream, so a test can tell what was sent twice.
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final long cutAfter;
  private final AtomicBoolean cut = new AtomicBoolean();
  private final AtomicLong upstreamBytes = new AtomicLong();
  private final Thread acceptor;

  public CuttingProxy(int targetPort, long cutAfter) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetPort = targetPort;
    this.cutAfter = cutAfter;
    this.acceptor = Thread.ofPlatform().daemon().name("cutting-proxy").start(this::accept);
  }

  public String host() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  public boolean didCut() {
    return cut.get();
  }

  public long upstreamBytes() {
    return upstreamBytes.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Thread.ofPlatform().daemon().start(() -> pump(client, upstream, true));
        Thread.ofPlatform().daemon().start(() -> pump(upstream, client, false));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void pump(Socket from, Socket to, boolean up) {
    byte[] buf = new byte[16 * 1024];
    long inThisConnection = 0;
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        if (up && !cut.get() && inThisConnection + n > cutAfter) {
          int part = (int) (cutAfter - inThisConnection);
          out.write(buf, 0, part);
          upstreamBytes.addAndGet(part);
          out.flush();
          cut.set(true);
          from.setSoLinger(true, 0);
          from.close();
          to.close();
          return;
        }
        out.write(buf, 0, n);
        if (up) {
          inThisConnection += n;
          upstreamBytes.addAndGet(n);
        }
      }
    } catch (IOException ignored) {
      // a side closed
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    acceptor.interrupt();
  }
}
