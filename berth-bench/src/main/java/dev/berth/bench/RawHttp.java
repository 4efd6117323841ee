package dev.berth.bench;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A lean HTTP/1.1 client for the big-blob figures, on a blocking {@link SocketChannel} with one
 * reusable 1 MiB direct buffer: no per-chunk objects, no copy between the socket and the digest
 * beyond what {@link MessageDigest} itself does. The JDK {@code HttpClient} delivers at most about
 * 600 MB/s on this machine (its selector thread, a {@code List<ByteBuffer>} per delivery and heap
 * copies), which is below what both registries can serve over loopback, so with it the pull figure
 * measured the client. Both registries are measured with this client alike.
 *
 * <p>It speaks only what the figures need: one request per connection ({@code Connection:
 * close}), fixed {@code Content-Length} bodies in both directions, no redirects, plain HTTP. The
 * caller falls back to the JDK client for anything else (https). Every response is checked as
 * strictly as on the JDK path: status, {@code Content-Length}, {@code Docker-Content-Digest},
 * {@code Location}/{@code Range}, and the bytes' digest when asked.
 */
final class RawHttp {
  private static final int BUF = 1 << 20;
  private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUF));

  private RawHttp() {}

  /** Whether this client can reach {@code base} (plain http). */
  static boolean supports(URI base) {
    return "http".equalsIgnoreCase(base.getScheme());
  }

  /** A parsed response head, and the body when it was small. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** What {@link #get} delivered: the byte count and the response head. */
  record Pulled(long bytes, Response head) {}

  /** Streams {@code length} bytes from {@code source} as the body of a request. */
  interface BodySource {
    /** The next bytes to send, starting at {@code offset}; the caller does not modify them. */
    ByteBuffer slice(long offset, long max);
  }

  /**
   * GET {@code uri} and read the body to its end into a reused buffer, counting the bytes and,
   * with {@code md}, hashing them.
   */
  static Pulled get(URI uri, String authorization, MessageDigest md) throws IOException {
    try (SocketChannel ch = open(uri)) {
      writeHead(ch, "GET", uri, authorization, -1, null);
      ByteBuffer buf = BUFFER.get().clear();
      Response head = readHead(ch, buf);
      if (head.status() != 200) {
        return new Pulled(-1, new Response(head.status(), head.headers(), smallBody(ch, buf, head)));
      }
      long want = contentLength(head, uri);
      long got = buf.remaining();
      if (got > want) throw new CheckFailed("GET " + uri + ": more bytes than Content-Length " + want);
      if (md != null) return new Pulled(readHashing(ch, buf, want, md, uri), head);
      while (got < want) {
        buf.clear();
        if (buf.capacity() > want - got) buf.limit((int) (want - got));
        int n = ch.read(buf);
        if (n < 0) throw new CheckFailed("GET " + uri + ": connection closed after " + got + " of " + want + " bytes");
        got += n;
      }
      return new Pulled(got, head);
    }
  }

  private static final int HASH_BUFFERS = 4;

  /**
   * Reads the rest of a body while another thread hashes what was read: SHA-256 (~0.6 s of CPU
   * per GiB) would otherwise run in series with the socket reads and bound the figure by their
   * sum. {@code first} holds the body bytes that came with the head.
   */
  private static long readHashing(SocketChannel ch, ByteBuffer first, long want, MessageDigest md, URI uri) throws IOException {
    BlockingQueue<ByteBuffer> full = new ArrayBlockingQueue<>(HASH_BUFFERS + 1);
    BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(HASH_BUFFERS + 1);
    for (int i = 0; i < HASH_BUFFERS; i++) free.add(ByteBuffer.allocateDirect(BUF));
    ByteBuffer end = ByteBuffer.allocate(0);
    long got = first.remaining();
    md.update(first);
    Thread hasher = Thread.ofPlatform().name("berth-bench-verify").start(() -> {
      try {
        for (ByteBuffer b = full.take(); b != end; b = full.take()) {
          md.update(b);
          free.put(b.clear());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      while (got < want) {
        ByteBuffer b = free.take();
        if (b.capacity() > want - got) b.limit((int) (want - got));
        while (b.hasRemaining()) { // fill it: fewer hand-offs
          int n = ch.read(b);
          if (n < 0) throw new CheckFailed("GET " + uri + ": connection closed after " + (got + b.position()) + " of " + want + " bytes");
        }
        got += b.flip().remaining();
        full.put(b);
      }
      full.put(end);
      hasher.join();
      return got;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while pulling " + uri);
    } finally {
      hasher.interrupt();
    }
  }

  /**
   * Sends {@code method uri} with {@code length} bytes from {@code body} starting at {@code offset}
   * and returns the response (its body read when it is small).
   */
  static Response send(String method, URI uri, String authorization, Map<String, String> headers, BodySource body, long offset,
      long length) throws IOException {
    try (SocketChannel ch = open(uri)) {
      writeHead(ch, method, uri, authorization, length, headers);
      long sent = 0;
      while (sent < length) {
        ByteBuffer b = body.slice(offset + sent, length - sent);
        while (b.hasRemaining()) sent += ch.write(b);
      }
      ByteBuffer buf = BUFFER.get().clear();
      Response head = readHead(ch, buf);
      return new Response(head.status(), head.headers(), smallBody(ch, buf, head));
    }
  }

  private static SocketChannel open(URI uri) throws IOException {
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    SocketChannel ch = SocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.connect(new InetSocketAddress(uri.getHost(), port));
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  private static void writeHead(SocketChannel ch, String method, URI uri, String authorization, long length, Map<String, String> headers)
      throws IOException {
    StringBuilder sb = new StringBuilder(256);
    String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    sb.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    sb.append("Host: ").append(uri.getHost()).append(uri.getPort() > 0 ? ":" + uri.getPort() : "").append("\r\n");
    sb.append("User-Agent: berth-bench\r\nConnection: close\r\n");
    if (authorization != null) sb.append("Authorization: ").append(authorization).append("\r\n");
    if (length >= 0) sb.append("Content-Length: ").append(length).append("\r\n");
    if (headers != null) headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    sb.append("\r\n");
    ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    while (b.hasRemaining()) ch.write(b);
  }

  /** Reads up to the end of the head; leaves {@code buf} holding the body bytes read with it. */
  private static Response readHead(SocketChannel ch, ByteBuffer buf) throws IOException {
    buf.clear();
    int end;
    while ((end = headEnd(buf)) < 0) {
      if (!buf.hasRemaining()) throw new CheckFailed("response head longer than " + buf.capacity() + " bytes");
      if (ch.read(buf) < 0) throw new CheckFailed("connection closed before the response head ended");
    }
    byte[] raw = new byte[end];
    buf.flip();
    buf.get(raw);
    buf.position(buf.position() + 4);
    String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
    String[] status = lines[0].split(" ", 3);
    if (status.length < 2 || !status[0].startsWith("HTTP/1.")) throw new CheckFailed("not an HTTP/1.x response: " + lines[0]);
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      if (c > 0) h.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
    }
    return new Response(Integer.parseInt(status[1]), h, null);
  }

  /** Position of "\r\n\r\n" among the bytes read so far (buf in fill mode), or -1. */
  private static int headEnd(ByteBuffer buf) {
    for (int i = 3; i < buf.position(); i++) {
      if (buf.get(i) == '\n' && buf.get(i - 1) == '\r' && buf.get(i - 2) == '\n' && buf.get(i - 3) == '\r') return i - 3;
    }
    return -1;
  }

  private static long contentLength(Response head, URI uri) {
    if (head.header("Transfer-Encoding") != null) {
      throw new CheckFailed("GET " + uri + ": Transfer-Encoding " + head.header("Transfer-Encoding") + " instead of a Content-Length");
    }
    String cl = head.header("Content-Length");
    if (cl == null) throw new CheckFailed("GET " + uri + ": no Content-Length");
    return Long.parseLong(cl);
  }

  /** The body of a non-streamed response (errors, 201/202 answers): up to 64 KiB, as text. */
  private static String smallBody(SocketChannel ch, ByteBuffer buf, Response head) throws IOException {
    String cl = head.header("Content-Length");
    long want = cl == null ? 64 << 10 : Math.min(Long.parseLong(cl), 64 << 10);
    byte[] out = new byte[(int) want];
    int at = Math.min(buf.remaining(), out.length);
    buf.get(out, 0, at);
    while (at < out.length) {
      buf.clear().limit(Math.min(buf.capacity(), out.length - at));
      int n = ch.read(buf);
      if (n < 0) break;
      buf.flip();
      buf.get(out, at, n);
      at += n;
    }
    return new String(out, 0, at, StandardCharsets.UTF_8);
  }

  /** Checks a pulled body against the digest when it was hashed. */
  static void checkDigest(MessageDigest md, Digest want) {
    String got = HexFormat.of().formatHex(md.digest());
    if (!got.equals(want.hex())) throw new CheckFailed("blob " + want + " arrived with digest sha256:" + got);
  }
}
