package dev.berth.cli;

import dev.berth.server.auth.AuthStore;
import dev.berth.server.auth.Authenticator;
import dev.berth.server.auth.Passwords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link AdminOps} on a data directory's database. */
final class LocalAdmin implements AdminOps {
  private final DataDir.Stores stores;
  private final AuthStore auth;

  LocalAdmin(DataDir.Stores stores) {
    this.stores = stores;
    this.auth = stores.auth();
  }

  @Override
  public String addUser(String name, String password, boolean robot, boolean admin) {
    String pw = password == null ? Passwords.randomSecret(24) : password;
    if (!auth.addUser(name, Passwords.hash(pw.toCharArray()), robot, admin)) {
      throw new UserError("user \"" + name + "\" already exists; change its password with: berth user passwd " + name);
    }
    return password == null ? pw : null;
  }

  @Override
  public void removeUser(String name) {
    if (!auth.removeUser(name)) throw new UserError("there is no user \"" + name + "\"; list them with: berth user ls");
  }

  @Override
  public String setPassword(String name, String password) {
    String pw = password == null ? Passwords.randomSecret(24) : password;
    if (!auth.setPassword(name, Passwords.hash(pw.toCharArray()))) throw new UserError("there is no user \"" + name + "\"; create it with: berth user add " + name);
    return password == null ? pw : null;
  }

  @Override
  public List<Map<String, Object>> users() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AuthStore.User u : auth.users()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", u.name());
      m.put("robot", u.robot());
      m.put("admin", u.admin());
      m.put("grants", auth.grants(u.name()).stream().map(g -> Map.<String, Object>of("action", g.action(), "namespace", g.namespace().isEmpty() ? "*" : g.namespace())).toList());
      out.add(m);
    }
    return out;
  }

  @Override
  public long grant(String action, String namespace, String user) {
    if (auth.user(user).isEmpty()) throw new UserError("there is no user \"" + user + "\"; create it first: berth user add " + user);
    return auth.grant(action, namespace, user).id();
  }

  @Override
  public void revoke(String action, String namespace, String user) {
    if (!auth.revoke(action, namespace, user)) {
      throw new UserError("user \"" + user + "\" has no grant " + action + " on " + (namespace.isEmpty() ? "*" : namespace) + "; see its grants with: berth user ls");
    }
  }

  @Override
  public Map<String, Object> createToken(Set<String> actions, String namespace, Duration ttl, String owner, String description) {
    if (auth.user(owner).isEmpty()) throw new UserError("there is no user \"" + owner + "\" to own the token; pass --owner USER");
    String secret = Authenticator.CI_TOKEN_PREFIX + Passwords.randomSecret(40);
    AuthStore.Token t = auth.createToken(Passwords.sha256(secret), owner, actions, namespace, description, Instant.now().plus(ttl));
    return Map.of("id", t.id(), "secret", secret, "expires", t.expires().toString(), "owner", owner);
  }

  @Override
  public List<Map<String, Object>> tokens() {
    return auth.tokens().stream().map(AuthStore.Token::toMap).toList();
  }

  @Override
  public void revokeToken(long id) {
    if (!auth.revokeToken(id)) throw new UserError("there is no active token #" + id + "; list them with: berth token ls");
  }

  @Override
  public void setPublic(String namespace, boolean isPublic) {
    if (!isPublic && !auth.publicNamespaces().contains(namespace)) {
      throw new UserError((namespace.isEmpty() ? "*" : namespace) + " is not public; see: berth namespace ls");
    }
    auth.setPublic(namespace, isPublic);
  }

  @Override
  public List<String> publicNamespaces() {
    return auth.publicNamespaces().stream().map(n -> n.isEmpty() ? "*" : n).toList();
  }

  @Override
  public List<Map<String, Object>> audit(boolean deniedOnly, String requestId, Instant since, String principal, int limit) {
    return auth.audit(new AuthStore.AuditQuery(deniedOnly, requestId, since, principal, limit)).stream().map(AuthStore.AuditEntry::toMap).toList();
  }

  @Override
  public void close() {
    stores.close();
  }
}
