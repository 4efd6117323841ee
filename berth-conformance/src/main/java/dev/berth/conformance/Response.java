package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP exchange as the suite saw it. {@link #toString()} renders the request line, status,
 * headers and the start of the body, so that every assertion message shows what the registry
 * actually said.
 *
 * @param bodyError null, or why the body could not be read to its end (for example a
 *     Content-Length larger than the bytes sent); {@link #body()} then holds what did arrive
 */
public record Response(String method, URI uri, int status, HttpHeaders headers, byte[] body, String bodyError) {
  static final ObjectMapper JSON = new ObjectMapper();

  public Optional<String> header(String name) {
    return headers.firstValue(name);
  }

  /** The header's value, or null. */
  public String headerOrNull(String name) {
    return headers.firstValue(name).orElse(null);
  }

  public List<String> allHeaders(String name) {
    return headers.allValues(name);
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The media type of the body without parameters, lowercased, or "" when absent. */
  public String contentTypeEssence() {
    String ct = headerOrNull("Content-Type");
    if (ct == null) return "";
    int semi = ct.indexOf(';');
    return (semi >= 0 ? ct.substring(0, semi) : ct).trim().toLowerCase(Locale.ROOT);
  }

  /** True when the body parses as JSON (whatever the Content-Type says). */
  public boolean bodyIsJson() {
    if (body.length == 0) return false;
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && !n.isMissingNode();
    } catch (IOException e) {
      return false;
    }
  }

  /** The body as JSON; an assertion failure (showing the exchange) when it is not JSON. */
  public JsonNode json() {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) throw new AssertionError("expected a JSON body, got an empty one\n" + this);
      return n;
    } catch (IOException e) {
      throw new AssertionError("expected a JSON body: " + e.getMessage() + "\n" + this, e);
    }
  }

  /** True when the body arrived whole, as framed by the response headers. */
  public boolean wellFramed() {
    return bodyError == null;
  }

  public boolean is2xx() {
    return status >= 200 && status < 300;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append("  ").append(method).append(' ').append(uri).append("\n  -> ").append(status).append('\n');
    for (Map.Entry<String, List<String>> h : headers.map().entrySet()) {
      if (h.getKey().equals(":status")) continue;
      for (String v : h.getValue()) sb.append("     ").append(h.getKey()).append(": ").append(abbreviate(v, 200)).append('\n');
    }
    if (body.length > 0) {
      if (printable(body)) {
        sb.append("     body: ").append(abbreviate(text(), 1000).replace("\n", "\n           ")).append('\n');
      } else {
        sb.append("     body: <").append(body.length).append(" bytes, binary>\n");
      }
    }
    if (bodyError != null) sb.append("     body MALFORMED: ").append(bodyError).append('\n');
    return sb.toString();
  }

  private static boolean printable(byte[] b) {
    int n = Math.min(b.length, 512);
    for (int i = 0; i < n; i++) {
      int c = b[i] & 0xff;
      if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f) return false;
    }
    return true;
  }

  private static String abbreviate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " chars)";
  }
}
