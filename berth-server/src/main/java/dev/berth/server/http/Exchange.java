package dev.berth.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Fields;

/**
 * One request and its response, with the blocking helpers handlers need (handlers run on virtual
 * threads, so blocking is cheap). Handlers set status and headers here and either write a body
 * or leave it empty; they never build error responses: they throw {@link RegistryException}.
 */
public final class Exchange implements dev.berth.server.auth.Caller {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Has Jackson build what the first responses need (an empty object, an error envelope), so that
   * the server's start can do it ahead of the first request.
   */
  public static void warmUp() throws IOException {
    java.util.Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("requestId", "0");
    java.util.Map<String, Object> entry = new java.util.LinkedHashMap<>();
    entry.put("code", "UNAUTHORIZED");
    entry.put("message", "");
    entry.put("detail", detail);
    JSON.writeValueAsBytes(java.util.Map.of());
    JSON.writeValueAsBytes(java.util.Map.of("errors", java.util.List.of(entry)));
  }

  private final Request request;
  private final Response response;
  private final String requestId;
  private Fields query;
  private Object authState;
  private boolean committed;
  private boolean bodyRead;

  Exchange(Request request, Response response, String requestId) {
    this.request = request;
    this.response = response;
    this.requestId = requestId;
  }

  public Request request() {
    return request;
  }

  public Response response() {
    return response;
  }

  @Override
  public String requestId() {
    return requestId;
  }

  @Override
  public String scheme() {
    String forwarded = request.getHeaders().get("X-Forwarded-Proto");
    if (forwarded != null && !forwarded.isBlank()) return forwarded.trim().toLowerCase(java.util.Locale.ROOT);
    return request.isSecure() ? "https" : "http";
  }

  @Override
  public Object authState() {
    return authState;
  }

  @Override
  public void authState(Object state) {
    this.authState = state;
  }

  public String method() {
    return request.getMethod();
  }

  public boolean isHead() {
    return "HEAD".equals(request.getMethod());
  }

  @Override
  public String header(String name) {
    return request.getHeaders().get(name);
  }

  public String header(HttpHeader h) {
    return request.getHeaders().get(h);
  }

  /** The declared Content-Length, or -1. */
  public long contentLength() {
    return request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
  }

  /** The request body as the registry services read it. */
  public dev.berth.server.registry.RequestBody body() {
    return new dev.berth.server.registry.RequestBody() {
      @Override
      public long forEach(Sink sink) throws IOException {
        return readBody(sink);
      }

      @Override
      public long declaredLength() {
        return request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) ? -1 : contentLength();
      }
    };
  }

  public String query(String name) {
    if (query == null) {
      query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    }
    return query.getValue(name);
  }

  public boolean hasQuery(String name) {
    query(name);
    return query.get(name) != null;
  }

  @Override
  public String remoteAddress() {
    return Request.getRemoteAddr(request);
  }

  public void status(int code) {
    response.setStatus(code);
  }

  public void setHeader(String name, String value) {
    response.getHeaders().put(name, value);
  }

  public void setHeader(HttpHeader name, String value) {
    response.getHeaders().put(name, value);
  }

  public void setContentLength(long length) {
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
  }

  /** Writes a complete body (or only its length, for HEAD). */
  public void send(int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    if (contentType != null) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (isHead() || body.length == 0) {
      return;
    }
    write(ByteBuffer.wrap(body), true);
  }

  public void sendJson(int status, Object value) throws IOException {
    sendJson(status, "application/json", value);
  }

  public void sendJson(int status, String contentType, Object value) throws IOException {
    send(status, contentType, JSON.writeValueAsBytes(value));
  }

  /** Empty body with the given status. */
  public void sendEmpty(int status) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
  }

  /** Blocking write of one buffer of the body. */
  public void write(ByteBuffer buffer, boolean last) throws IOException {
    committed = true;
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, buffer, cb);
      cb.block();
    }
  }

  /**
   * Whether the request announced a body that was not read to its end: then the connection cannot
   * be reused for another request.
   */
  boolean unreadBody() {
    if (bodyRead) return false;
    long len = contentLength();
    return len > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
  }

  boolean bodyStarted() {
    return committed || response.isCommitted();
  }

  /**
   * Reads the request body chunk by chunk, without copying, handing each buffer to {@code sink}.
   * Returns the number of bytes read.
   */
  public long readBody(dev.berth.server.registry.RequestBody.Sink sink) throws IOException {
    long total = 0;
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        try (Blocker.Runnable r = Blocker.runnable()) {
          request.demand(r);
          r.block();
        }
        continue;
      }
      try {
        if (Content.Chunk.isFailure(chunk)) {
          Throwable f = chunk.getFailure();
          if (f instanceof IOException io) throw io;
          throw new IOException(f);
        }
        ByteBuffer b = chunk.getByteBuffer();
        int n = b.remaining();
        if (n > 0) {
          sink.accept(b);
          total += n;
        }
        if (chunk.isLast()) {
          bodyRead = true;
          return total;
        }
      } finally {
        chunk.release();
      }
    }
  }

  /** Reads the whole body, refusing more than {@code max} bytes. */
  public byte[] readBodyBytes(int max, RegistryExceptionSupplier tooLarge) throws IOException {
    long declared = contentLength();
    if (declared > max) throw tooLarge.get();
    var out = new java.io.ByteArrayOutputStream(declared > 0 ? (int) declared : 1024);
    readBody(b -> {
      if (out.size() + b.remaining() > max) throw tooLarge.get();
      if (b.hasArray()) {
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        b.position(b.limit());
      } else {
        byte[] tmp = new byte[b.remaining()];
        b.get(tmp);
        out.write(tmp, 0, tmp.length);
      }
    });
    return out.toByteArray();
  }

  @FunctionalInterface
  public interface RegistryExceptionSupplier {
    RegistryException get();
  }

  static boolean isClientGone(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.eclipse.jetty.io.EofException || c instanceof InterruptedIOException) return true;
      if (c instanceof IOException && c.getMessage() != null
          && (c.getMessage().contains("Broken pipe") || c.getMessage().contains("Connection reset") || c.getMessage().contains("Closed"))) return true;
    }
    return false;
  }

  static RegistryException badRequest(ErrorCode code, String message, String reason) {
    return new RegistryException(code, message, ErrorDetail.reason(reason));
  }

  Iterable<HttpField> requestHeaders() {
    return request.getHeaders();
  }
}
