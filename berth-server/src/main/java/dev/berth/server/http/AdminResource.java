package dev.berth.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.oci.RepositoryName;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.auth.AccessControl;
import dev.berth.server.auth.AuthStore;
import dev.berth.server.auth.Authenticator;
import dev.berth.server.auth.Passwords;
import dev.berth.server.auth.Policy;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /admin/v1/…}: the admin API of a running server, for administrators only. The same
 * operations as the {@code berth user/grant/revoke/token/namespace/audit} commands, which use it
 * with {@code --server URL}. JSON in and out; every change is in the audit log.
 *
 * <pre>
 * GET    /admin/v1/users                       POST /admin/v1/users {name, password?, robot?, admin?}
 * DELETE /admin/v1/users/NAME                  PUT  /admin/v1/users/NAME/password {password?}
 * GET    /admin/v1/grants                      POST /admin/v1/grants {action, namespace, user}
 * DELETE /admin/v1/grants?action=&namespace=&user=
 * GET    /admin/v1/tokens                      POST /admin/v1/tokens {actions, namespace, ttlSeconds, owner?, description?}
 * DELETE /admin/v1/tokens/ID
 * GET    /admin/v1/namespaces/public           PUT|DELETE /admin/v1/namespaces/public/NAMESPACE
 * GET    /admin/v1/audit?denied=&requestId=&since=&principal=&limit=
 * </pre>
 */
public final class AdminResource {
  private final AccessControl access;
  private final AuthStore store;

  /** @param store null when the registry runs without access control */
  public AdminResource(AccessControl access, AuthStore store) {
    this.access = access;
    this.store = store;
  }

  void handle(Exchange ex, String path) throws IOException {
    if (store == null) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "this registry runs without access control (--auth none): it has no users, grants or tokens to manage",
          ErrorDetail.reason("auth_disabled"), 404, null);
    }
    var admin = access.requireAdmin(ex);
    String rest = path.substring("/admin/v1/".length());
    String method = ex.method();
    String[] parts = rest.split("/", -1);
    String who = admin.subject();
    switch (parts[0]) {
      case "users" -> users(ex, method, parts, who);
      case "grants" -> grants(ex, method, who);
      case "tokens" -> tokens(ex, method, parts, who);
      case "namespaces" -> namespaces(ex, method, rest, who);
      case "audit" -> audit(ex);
      default -> throw notFound(path);
    }
  }

  private static RegistryException notFound(String path) {
    return new RegistryException(ErrorCode.UNSUPPORTED, "no admin API resource at " + path + "; see docs/access-control.md for the admin API",
        ErrorDetail.reason("route_unknown"), 404, null);
  }

  private static RegistryException bad(String message) {
    return new RegistryException(ErrorCode.UNSUPPORTED, message, ErrorDetail.reason("admin_request_invalid"), 400, null);
  }

  private static RegistryException missing(String what) {
    return new RegistryException(ErrorCode.NAME_UNKNOWN, what, ErrorDetail.reason("not_found"), 404, null);
  }

  private JsonNode body(Exchange ex) throws IOException {
    byte[] b = ex.readBodyBytes(64 * 1024, () -> bad("admin request body is larger than 64 KiB"));
    try {
      JsonNode n = b.length == 0 ? Exchange.JSON.createObjectNode() : Exchange.JSON.readTree(b);
      if (!n.isObject()) throw bad("the request body must be a JSON object");
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw bad("the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode n, String field, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) throw bad("\"" + field + "\" is required");
      return null;
    }
    if (!v.isTextual()) throw bad("\"" + field + "\" must be a string");
    return v.textValue();
  }

  static String checkUserName(String name) {
    if (name == null || !name.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
      throw bad("user name \"" + name + "\" is not valid: 1 to 64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
    }
    return name;
  }

  static String checkNamespace(String ns) {
    if (ns == null || ns.equals("*") || ns.isEmpty()) return "";
    String why = RepositoryName.violation(ns);
    if (why != null) throw bad("namespace \"" + ns + "\" is not a repository-name prefix: " + why);
    return ns;
  }

  static String checkAction(String action) {
    if (!Policy.ACTIONS.contains(action)) throw bad("unknown action \"" + action + "\"; use pull, push, delete or admin");
    return action;
  }

  private void users(Exchange ex, String method, String[] parts, String who) throws IOException {
    if (parts.length == 1 || (parts.length == 2 && parts[1].isEmpty())) {
      if (method.equals("GET")) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuthStore.User u : store.users()) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", u.name());
          m.put("robot", u.robot());
          m.put("admin", u.admin());
          m.put("created", u.created().toString());
          m.put("grants", store.grants(u.name()).stream().map(AdminResource::grant).toList());
          out.add(m);
        }
        ex.sendJson(200, Map.of("users", out));
        return;
      }
      if (method.equals("POST")) {
        JsonNode b = body(ex);
        String name = checkUserName(text(b, "name", true));
        String pw = text(b, "password", false);
        boolean generated = pw == null;
        if (generated) pw = Passwords.randomSecret(24);
        if (pw.length() < 8) throw bad("the password is too short: use at least 8 characters");
        if (!store.addUser(name, Passwords.hash(pw.toCharArray()), b.path("robot").asBoolean(false), b.path("admin").asBoolean(false))) {
          throw new RegistryException(ErrorCode.UNSUPPORTED, "user \"" + name + "\" already exists", ErrorDetail.reason("exists"), 409, null);
        }
        access.recordWrite(ex, "admin", "user:" + name, "created by " + who);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        if (generated) out.put("password", pw);
        ex.sendJson(201, out);
        return;
      }
      throw RegistryHandler.methodNotAllowed(ex, method, "GET", "POST");
    }
    String name = parts[1];
    if (parts.length == 2 && method.equals("DELETE")) {
      if (!store.removeUser(name)) throw missing("there is no user \"" + name + "\"");
      access.recordWrite(ex, "admin", "user:" + name, "deleted by " + who);
      ex.sendEmpty(204);
      return;
    }
    if (parts.length == 3 && parts[2].equals("password") && method.equals("PUT")) {
      JsonNode b = body(ex);
      String pw = text(b, "password", false);
      boolean generated = pw == null;
      if (generated) pw = Passwords.randomSecret(24);
      if (pw.length() < 8) throw bad("the password is too short: use at least 8 characters");
      if (!store.setPassword(name, Passwords.hash(pw.toCharArray()))) throw missing("there is no user \"" + name + "\"");
      access.recordWrite(ex, "admin", "user:" + name, "password changed by " + who);
      ex.sendJson(200, generated ? Map.of("name", name, "password", pw) : Map.of("name", name));
      return;
    }
    throw notFound(ex.request().getHttpURI().getPath());
  }

  private static Map<String, Object> grant(AuthStore.Grant g) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", g.id());
    m.put("action", g.action());
    m.put("namespace", g.namespace().isEmpty() ? "*" : g.namespace());
    m.put("user", g.principal());
    return m;
  }

  private void grants(Exchange ex, String method, String who) throws IOException {
    switch (method) {
      case "GET" -> ex.sendJson(200, Map.of("grants", store.allGrants().stream().map(AdminResource::grant).toList()));
      case "POST" -> {
        JsonNode b = body(ex);
        String action = checkAction(text(b, "action", true));
        String ns = checkNamespace(text(b, "namespace", true));
        String user = text(b, "user", true);
        if (store.user(user).isEmpty()) throw missing("there is no user \"" + user + "\"; create it first");
        AuthStore.Grant g = store.grant(action, ns, user);
        access.recordWrite(ex, "admin", "grant:" + g.id(), action + " on " + (ns.isEmpty() ? "*" : ns) + " for " + user + " by " + who);
        ex.sendJson(201, grant(g));
      }
      case "DELETE" -> {
        String action = checkAction(ex.query("action"));
        String ns = checkNamespace(ex.query("namespace"));
        String user = ex.query("user");
        if (!store.revoke(action, ns, user)) throw missing("user \"" + user + "\" has no grant " + action + " on " + (ns.isEmpty() ? "*" : ns));
        access.recordWrite(ex, "admin", "grant", "revoked " + action + " on " + (ns.isEmpty() ? "*" : ns) + " from " + user + " by " + who);
        ex.sendEmpty(204);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "GET", "POST", "DELETE");
    }
  }

  private void tokens(Exchange ex, String method, String[] parts, String who) throws IOException {
    if (parts.length == 2 && !parts[1].isEmpty()) {
      if (!method.equals("DELETE")) throw RegistryHandler.methodNotAllowed(ex, method, "DELETE");
      long id;
      try {
        id = Long.parseLong(parts[1]);
      } catch (NumberFormatException e) {
        throw bad("token id \"" + parts[1] + "\" is not a number");
      }
      if (!store.revokeToken(id)) throw missing("there is no active token #" + id);
      access.recordWrite(ex, "admin", "token:" + id, "revoked by " + who);
      ex.sendEmpty(204);
      return;
    }
    switch (method) {
      case "GET" -> ex.sendJson(200, Map.of("tokens", store.tokens().stream().map(AuthStore.Token::toMap).toList()));
      case "POST" -> {
        JsonNode b = body(ex);
        Set<String> actions = new LinkedHashSet<>();
        for (JsonNode a : b.path("actions")) {
          String act = a.asText();
          if (!Set.of("pull", "push", "delete").contains(act)) throw bad("token action \"" + act + "\" is not pull, push or delete");
          actions.add(act);
        }
        if (actions.isEmpty()) throw bad("\"actions\" must list pull, push and/or delete");
        String ns = checkNamespace(text(b, "namespace", true));
        long ttl = b.path("ttlSeconds").asLong(3600);
        if (ttl <= 0 || ttl > Duration.ofDays(90).toSeconds()) throw bad("\"ttlSeconds\" must be between 1 and 90 days");
        String owner = b.hasNonNull("owner") ? text(b, "owner", true) : who.startsWith("user:") ? who.substring(5) : "admin";
        if (store.user(owner).isEmpty()) throw missing("there is no user \"" + owner + "\" to own the token");
        String secret = Authenticator.CI_TOKEN_PREFIX + Passwords.randomSecret(40);
        AuthStore.Token t = store.createToken(Passwords.sha256(secret), owner, actions, ns, text(b, "description", false), Instant.now().plusSeconds(ttl));
        access.recordWrite(ex, "admin", "token:" + t.id(), "created by " + who);
        Map<String, Object> out = t.toMap();
        out.put("secret", secret);
        ex.sendJson(201, out);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "GET", "POST");
    }
  }

  private void namespaces(Exchange ex, String method, String rest, String who) throws IOException {
    String prefix = "namespaces/public";
    if (!rest.startsWith(prefix)) throw notFound(ex.request().getHttpURI().getPath());
    String ns = rest.length() > prefix.length() + 1 ? rest.substring(prefix.length() + 1) : null;
    if (ns == null) {
      if (!method.equals("GET")) throw RegistryHandler.methodNotAllowed(ex, method, "GET");
      ex.sendJson(200, Map.of("public", store.publicNamespaces().stream().map(n -> n.isEmpty() ? "*" : n).toList()));
      return;
    }
    String n = checkNamespace(ns);
    switch (method) {
      case "PUT" -> store.setPublic(n, true);
      case "DELETE" -> {
        if (!store.publicNamespaces().contains(n)) throw missing((n.isEmpty() ? "*" : n) + " is not public");
        store.setPublic(n, false);
      }
      default -> throw RegistryHandler.methodNotAllowed(ex, method, "PUT", "DELETE");
    }
    access.recordWrite(ex, "admin", "namespace:" + (n.isEmpty() ? "*" : n), (method.equals("PUT") ? "made public" : "made private") + " by " + who);
    ex.sendEmpty(204);
  }

  private void audit(Exchange ex) throws IOException {
    Instant since = null;
    String s = ex.query("since");
    if (s != null) {
      try {
        since = Instant.parse(s);
      } catch (java.time.format.DateTimeParseException e) {
        throw bad("since=\"" + s + "\" is not an ISO instant such as 2026-12-01T10:00:00Z");
      }
    }
    int limit = 200;
    if (ex.query("limit") != null) {
      try {
        limit = Integer.parseInt(ex.query("limit"));
      } catch (NumberFormatException e) {
        throw bad("limit must be a number");
      }
    }
    List<Map<String, Object>> out = store.audit(new AuthStore.AuditQuery("true".equals(ex.query("denied")), ex.query("requestId"), since,
        ex.query("principal"), limit)).stream().map(AuthStore.AuditEntry::toMap).toList();
    ex.sendJson(200, Map.of("entries", out));
  }
}
