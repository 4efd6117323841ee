package dev.berth.server.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Users, grants, public namespaces, CI tokens and the audit log. Backed by the metadata
 * database, so the {@code berth user/grant/token} commands can write it while a server runs.
 */
public interface AuthStore {

  record User(String name, String passwordHash, boolean robot, boolean admin, Instant created, Instant passwordChanged) {}

  record Grant(long id, String action, String namespace, String principal, Instant created) {}

  record Token(long id, String owner, Set<String> actions, String namespace, String description,
      Instant created, Instant expires, Instant revoked) {
    /** The fields as the admin API and {@code berth token ls} show them. */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("id", id);
      m.put("owner", owner);
      m.put("actions", List.copyOf(actions));
      m.put("namespace", namespace.isEmpty() ? "*" : namespace);
      m.put("created", created.toString());
      m.put("expires", expires.toString());
      if (revoked != null) m.put("revoked", revoked.toString());
      if (description != null) m.put("description", description);
      return m;
    }
  }

  record AuditEntry(long id, Instant time, String requestId, String principal, String client, String remote,
      String action, String resource, String decision, String reason, String message) {
    /** The fields as the admin API and {@code berth audit --json} show them. */
    public java.util.Map<String, Object> toMap() {
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("time", time.toString());
      m.put("requestId", requestId);
      m.put("principal", principal);
      m.put("client", client);
      m.put("remote", remote);
      m.put("action", action);
      m.put("resource", resource);
      m.put("decision", decision);
      m.put("reason", reason);
      m.put("message", message);
      return m;
    }
  }

  /** Filters for {@link #audit}; null fields match everything. */
  record AuditQuery(Boolean deniedOnly, String requestId, Instant since, String principal, int limit) {}

  boolean hasUsers();

  Optional<User> user(String name);

  List<User> users();

  /** Creates a user; false when the name is taken. */
  boolean addUser(String name, String passwordHash, boolean robot, boolean admin);

  boolean setPassword(String name, String passwordHash);

  boolean removeUser(String name);

  /** Adds a grant (idempotent); returns it. */
  Grant grant(String action, String namespace, String principal);

  /** Removes a grant; false when there was none. */
  boolean revoke(String action, String namespace, String principal);

  List<Grant> grants(String principal);

  List<Grant> allGrants();

  void setPublic(String namespace, boolean isPublic);

  List<String> publicNamespaces();

  Token createToken(String secretHash, String owner, Set<String> actions, String namespace, String description, Instant expires);

  Optional<Token> tokenBySecretHash(String secretHash);

  Optional<Token> token(long id);

  List<Token> tokens();

  boolean revokeToken(long id);

  void audit(AuditEntry entry);

  List<AuditEntry> audit(AuditQuery query);
}
