package dev.berth.server.http;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place that turns an error into a response: the OCI envelope
 * {@code {"errors":[{"code","message","detail"}]}} with the code's status, the request id in the
 * detail and in {@code X-Request-Id}. Unexpected exceptions become a 500 that names the request id
 * and never echoes internals.
 */
public final class ErrorWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorWriter.class);

  private ErrorWriter() {}

  public static void write(Exchange ex, Throwable error) {
    RegistryException re;
    if (error instanceof RegistryException r) {
      re = r;
    } else {
      LOG.error("request {} {} {} failed", ex.requestId(), ex.method(), ex.request().getHttpURI().getPath(), error);
      re = new RegistryException(ErrorCode.UNSUPPORTED,
          "internal server error while handling this request; the server log has the details under request id " + ex.requestId(),
          ErrorDetail.reason("internal_error"), 500, null);
    }
    if (ex.bodyStarted()) {
      // Too late for an error body: the status line is gone. Abort the connection instead.
      LOG.warn("request {} failed after the response started: {}", ex.requestId(), re.getMessage());
      throw new AbortResponse(error);
    }
    ex.response().getHeaders().clear();
    ex.setHeader("X-Request-Id", ex.requestId());
    ex.setHeader("Docker-Distribution-API-Version", "registry/2.0");
    re.headers().forEach(ex::setHeader);
    if (ex.unreadBody()) {
      // The refused body is still on the wire: close rather than let the client reuse a connection
      // whose next bytes are the rest of this body.
      ex.setHeader("Connection", "close");
    }
    Map<String, Object> detail = new LinkedHashMap<>(re.detail().asMap());
    detail.put("requestId", ex.requestId());
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("code", re.code().name());
    entry.put("message", re.getMessage());
    entry.put("detail", detail);
    try {
      ex.sendJson(re.status(), Map.of("errors", List.of(entry)));
    } catch (IOException e) {
      throw new AbortResponse(e);
    }
  }

  /** Signals that the response cannot be completed and the connection must be aborted. */
  static final class AbortResponse extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbortResponse(Throwable cause) {
      super(cause);
    }
  }
}
