package dev.berth.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the admin commands do, either on a data directory (any server using it sees the change at
 * once) or through the admin API of a running server ({@code --server URL}). Rows are plain maps
 * with the admin API's field names, so both ways print the same.
 */
interface AdminOps extends AutoCloseable {
  /** Creates a user; returns the generated password, or null when one was given. */
  String addUser(String name, String password, boolean robot, boolean admin);

  void removeUser(String name);

  /** Sets a password; returns the generated one, or null when one was given. */
  String setPassword(String name, String password);

  /** name, robot, admin, grants (list of "action namespace"). */
  List<Map<String, Object>> users();

  /** Returns the grant's id. */
  long grant(String action, String namespace, String user);

  void revoke(String action, String namespace, String user);

  /** Returns id, secret, expires. */
  Map<String, Object> createToken(Set<String> actions, String namespace, Duration ttl, String owner, String description);

  /** id, owner, actions, namespace, expires, revoked?, description?. */
  List<Map<String, Object>> tokens();

  void revokeToken(long id);

  void setPublic(String namespace, boolean isPublic);

  List<String> publicNamespaces();

  /** time, requestId, principal, client, remote, action, resource, decision, reason, message. */
  List<Map<String, Object>> audit(boolean deniedOnly, String requestId, Instant since, String principal, int limit);

  @Override
  void close();
}
