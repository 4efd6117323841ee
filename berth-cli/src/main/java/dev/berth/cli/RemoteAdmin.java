package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.auth.Credential;
import dev.berth.client.auth.Keychains;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@link AdminOps} through the admin API of a running server ({@code --server URL}), logged in
 * with the credentials {@code berth login} / {@code docker login} stored for that server.
 */
final class RemoteAdmin implements AdminOps {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String authorization;

  RemoteAdmin(String server) {
    String s = server.contains("://") ? server : "https://" + server;
    this.base = URI.create(s.endsWith("/") ? s : s + "/");
    String host = base.getAuthority();
    Optional<Credential> cred = Keychains.defaults(ClientOptions.environment).resolve(host);
    if (cred.isEmpty()) {
      throw new UserError("no stored login for " + host + ": log in as an administrator first: berth login " + host + " -u admin", 3);
    }
    this.authorization = cred.get().hasIdentityToken() ? "Bearer " + exchange(cred.get().identityToken()) : cred.get().basicHeader();
  }

  /** Trades a stored identity (refresh) token for an access token. */
  private String exchange(String refreshToken) {
    String form = "grant_type=refresh_token&service=berth&client_id=berth&refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8);
    JsonNode r = send(HttpRequest.newBuilder(base.resolve("token")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)), false);
    return r.path("access_token").asText();
  }

  private JsonNode send(HttpRequest.Builder b, boolean auth) {
    if (auth) b.header("Authorization", authorization);
    b.header("User-Agent", "berth/" + VersionProvider.version() + " (admin)").timeout(Duration.ofMinutes(1));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UserError("cannot reach " + base + ": " + e.getMessage() + " (is the server running, and is the URL right?)", 5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted", 1);
    }
    JsonNode body;
    try {
      body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UserError(base + " answered HTTP " + r.statusCode() + " with a body that is not JSON: is it a berth server?", 6);
    }
    if (r.statusCode() >= 400) {
      JsonNode err = body.path("errors").path(0);
      String msg = err.path("message").asText("HTTP " + r.statusCode());
      String id = err.path("detail").path("requestId").asText(r.headers().firstValue("X-Request-Id").orElse(""));
      int code = switch (r.statusCode()) {
        case 401, 403 -> 3;
        case 404 -> 4;
        case 400, 409 -> 2;
        default -> 6;
      };
      throw new UserError(msg + (id.isEmpty() ? "" : " (request id " + id + ")"), code);
    }
    return body;
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET(), true);
  }

  private JsonNode call(String method, String path, Object body) {
    try {
      HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
      return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json").method(method, p), true);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rows(JsonNode array) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (JsonNode n : array) out.add(JSON.convertValue(n, LinkedHashMap.class));
    return out;
  }

  @Override
  public String addUser(String name, String password, boolean robot, boolean admin) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("name", name);
    if (password != null) b.put("password", password);
    b.put("robot", robot);
    b.put("admin", admin);
    JsonNode r = call("POST", "admin/v1/users", b);
    return r.hasNonNull("password") ? r.get("password").asText() : null;
  }

  @Override
  public void removeUser(String name) {
    call("DELETE", "admin/v1/users/" + enc(name), null);
  }

  @Override
  public String setPassword(String name, String password) {
    JsonNode r = call("PUT", "admin/v1/users/" + enc(name) + "/password", password == null ? Map.of() : Map.of("password", password));
    return r.hasNonNull("password") ? r.get("password").asText() : null;
  }

  @Override
  public List<Map<String, Object>> users() {
    return rows(get("admin/v1/users").path("users"));
  }

  @Override
  public long grant(String action, String namespace, String user) {
    return call("POST", "admin/v1/grants", Map.of("action", action, "namespace", namespace.isEmpty() ? "*" : namespace, "user", user)).path("id").asLong();
  }

  @Override
  public void revoke(String action, String namespace, String user) {
    call("DELETE", "admin/v1/grants?action=" + enc(action) + "&namespace=" + enc(namespace.isEmpty() ? "*" : namespace) + "&user=" + enc(user), null);
  }

  @Override
  public Map<String, Object> createToken(Set<String> actions, String namespace, Duration ttl, String owner, String description) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("actions", List.copyOf(actions));
    b.put("namespace", namespace.isEmpty() ? "*" : namespace);
    b.put("ttlSeconds", ttl.toSeconds());
    b.put("owner", owner);
    if (description != null) b.put("description", description);
    JsonNode r = call("POST", "admin/v1/tokens", b);
    return Map.of("id", r.path("id").asLong(), "secret", r.path("secret").asText(), "expires", r.path("expires").asText(), "owner", r.path("owner").asText());
  }

  @Override
  public List<Map<String, Object>> tokens() {
    return rows(get("admin/v1/tokens").path("tokens"));
  }

  @Override
  public void revokeToken(long id) {
    call("DELETE", "admin/v1/tokens/" + id, null);
  }

  @Override
  public void setPublic(String namespace, boolean isPublic) {
    call(isPublic ? "PUT" : "DELETE", "admin/v1/namespaces/public/" + (namespace.isEmpty() ? "*" : namespace), null);
  }

  @Override
  public List<String> publicNamespaces() {
    List<String> out = new ArrayList<>();
    for (JsonNode n : get("admin/v1/namespaces/public").path("public")) out.add(n.asText());
    return out;
  }

  @Override
  public List<Map<String, Object>> audit(boolean deniedOnly, String requestId, Instant since, String principal, int limit) {
    StringBuilder q = new StringBuilder("admin/v1/audit?limit=").append(limit);
    if (deniedOnly) q.append("&denied=true");
    if (requestId != null) q.append("&requestId=").append(enc(requestId));
    if (since != null) q.append("&since=").append(enc(since.toString()));
    if (principal != null) q.append("&principal=").append(enc(principal));
    return rows(get(q.toString()).path("entries"));
  }

  @Override
  public void close() {
    http.close();
  }
}
