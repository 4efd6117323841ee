package dev.berth.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a registry's error response or a network failure into a {@link ClientException}: the
 * registry's own code and message (from the {@code {"errors":[…]}} envelope, body read up to
 * 64 KiB), the HTTP status, the request id, and a remedy chosen by category.
 */
public final class RegistryErrors {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private RegistryErrors() {}

  /** The registry's request id, from the headers registries commonly use. */
  public static String requestId(HttpResponse<?> r) {
    for (String h : List.of("X-Request-Id", "Request-Id", "X-Amzn-RequestId", "Docker-Request-Id", "X-Harbor-Request-Id")) {
      var v = r.headers().firstValue(h);
      if (v.isPresent()) return v.get();
    }
    return null;
  }

  /** Reads the body (capped) and closes it, then builds the exception. */
  public static ClientException fromResponse(String what, HttpResponse<InputStream> r, String registry) {
    byte[] body;
    try (InputStream in = r.body()) {
      body = in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      body = new byte[0];
    }
    int status = r.statusCode();
    String code = null;
    List<String> messages = new ArrayList<>();
    String serverRemedy = null;
    if (body.length > 0) {
      try {
        JsonNode root = JSON.readTree(body);
        JsonNode errors = root == null ? null : root.get("errors");
        if (errors != null && errors.isArray()) {
          for (JsonNode e : errors) {
            if (code == null) code = e.path("code").asText(null);
            String m = e.path("message").asText("");
            if (!m.isEmpty()) messages.add(m);
            JsonNode d = e.get("detail");
            if (serverRemedy == null && d != null && d.isObject() && d.path("remedy").isTextual()) serverRemedy = d.path("remedy").asText();
          }
        }
      } catch (IOException ignored) {
        // not JSON: a proxy's HTML page, for example
      }
    }
    String why;
    if (!messages.isEmpty()) {
      why = String.join("; ", messages);
    } else if (r.request().method().equals("HEAD")) {
      why = status == 404 ? "not found" : "the registry answered HEAD with " + status + " (no body)";
    } else {
      String text = new String(body, StandardCharsets.UTF_8).strip();
      why = text.isEmpty() || text.startsWith("<") ? "the registry answered " + status + " " + reason(status)
          : text.lines().findFirst().orElse("").substring(0, Math.min(200, text.lines().findFirst().orElse("").length()));
    }
    Category category = category(status, code);
    String remedy = serverRemedy != null ? serverRemedy : remedy(category, status, code, registry);
    return ClientException.builder(category, what).why(why).code(code).status(status)
        .requestId(requestId(r)).remedy(remedy).build();
  }

  public static Category category(int status, String code) {
    if (status == 401 || status == 403 || "UNAUTHORIZED".equals(code) || "DENIED".equals(code)) return Category.AUTH;
    if (status == 404) return Category.NOT_FOUND;
    if ("DIGEST_INVALID".equals(code) || "SIZE_INVALID".equals(code)) return Category.INTEGRITY;
    if (status == 400 && ("NAME_INVALID".equals(code) || "TAG_INVALID".equals(code))) return Category.USAGE;
    return Category.SERVER;
  }

  private static String remedy(Category c, int status, String code, String registry) {
    return switch (c) {
      case AUTH -> status == 401
          ? "log in: berth login " + registry + " (or set BERTH_REGISTRY_USER/BERTH_REGISTRY_PASSWORD in CI)"
          : "the credentials were accepted but lack permission here: ask the registry's admin for access, or log in as another user with berth login " + registry;
      case NOT_FOUND -> "check the repository, tag or digest (berth tags REPO lists the tags)";
      case INTEGRITY -> "the content changed in transit or at the source; retry, and if it persists the source is corrupt";
      case USAGE -> "check the name: repository names are lowercase [a-z0-9] separated by '.', '_', '__', '-' and '/'";
      default -> status == 429 ? "the registry is rate-limiting; wait and retry, or log in to get a higher limit"
          : status >= 500 ? "the registry failed; retry later, and give its admin the request id" : null;
    };
  }

  /** A failure without a response: connection refused, reset, timeout, TLS… */
  public static ClientException fromIo(String what, IOException e, String registry) {
    String why;
    String remedy;
    if (e instanceof ConnectException) {
      why = "could not connect to " + registry + " (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")";
      remedy = "check that the registry is running and the host and port are right; behind a proxy, set HTTPS_PROXY";
    } else if (e instanceof UnknownHostException || e.getCause() instanceof UnknownHostException) {
      why = "the host name " + registry + " does not resolve";
      remedy = "check the registry name (a first path component with '.' or ':' is a registry; otherwise docker.io is meant)";
    } else if (e instanceof HttpTimeoutException) {
      why = "timed out waiting for " + registry;
      remedy = "retry; if it keeps happening, check the network between here and the registry";
    } else if (e instanceof javax.net.ssl.SSLException) {
      why = "TLS with " + registry + " failed: " + e.getMessage();
      remedy = "if the registry serves plain HTTP, allow it with --insecure-registry " + registry + " (or BERTH_INSECURE_REGISTRIES); if it uses a private CA, add the CA to the JDK trust store";
    } else {
      why = "the connection to " + registry + " broke: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      remedy = "retry; berth already retried the idempotent steps";
    }
    return ClientException.builder(Category.NETWORK, what).why(why).remedy(remedy).cause(e).build();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 416 -> "Range Not Satisfiable";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }
}
