package dev.berth.server.http;

import dev.berth.oci.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before berth's handler runs (a malformed request line, a header too large,
 * an unparseable URI) in the same OCI envelope, with an X-Request-Id, instead of an HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
      throws IOException {
    byte[] id = new byte[8];
    RANDOM.nextBytes(id);
    String requestId = HexFormat.of().formatHex(id);
    ErrorCode ec = switch (code) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.DENIED;
      case 404 -> ErrorCode.NAME_UNKNOWN;
      case 429 -> ErrorCode.TOOMANYREQUESTS;
      default -> ErrorCode.UNSUPPORTED;
    };
    String why = message == null || message.isBlank() ? "HTTP " + code : message;
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("code", ec.name());
    entry.put("message", "the request was refused before it reached the registry: " + why
        + (code == 431 ? " (request headers too large)" : code == 400 ? " (malformed request or URI)" : ""));
    entry.put("detail", Map.of("reason", "http_" + code, "requestId", requestId));
    byte[] body = Exchange.JSON.writeValueAsBytes(Map.of("errors", List.of(entry)));
    response.getHeaders().put("X-Request-Id", requestId);
    response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
