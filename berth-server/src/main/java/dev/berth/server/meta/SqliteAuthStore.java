package dev.berth.server.meta;

import dev.berth.server.auth.AuthStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@link AuthStore} on the same SQLite database as the metadata, sharing its connections. */
public final class SqliteAuthStore implements AuthStore {
  private final SqliteMetadataStore db;

  public SqliteAuthStore(SqliteMetadataStore db) {
    this.db = db;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private static Instant instant(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString("name"), rs.getString("password_hash"), rs.getInt("robot") != 0, rs.getInt("admin") != 0,
        instant(rs, "created"), instant(rs, "password_changed"));
  }

  private static final String USER_COLS = "SELECT name, password_hash, robot, admin, created, password_changed FROM users";

  @Override
  public boolean hasUsers() {
    return db.read("hasUsers", c -> {
      try (ResultSet rs = c.ps("SELECT 1 FROM users LIMIT 1").executeQuery()) {
        return rs.next();
      }
    });
  }

  @Override
  public Optional<User> user(String name) {
    return db.read("user", c -> {
      PreparedStatement ps = c.ps(USER_COLS + " WHERE name = ?");
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(user(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<User> users() {
    return db.read("users", c -> {
      List<User> out = new ArrayList<>();
      try (ResultSet rs = c.ps(USER_COLS + " ORDER BY name").executeQuery()) {
        while (rs.next()) out.add(user(rs));
      }
      return out;
    });
  }

  @Override
  public boolean addUser(String name, String passwordHash, boolean robot, boolean admin) {
    return db.write("addUser", c -> {
      PreparedStatement ps = c.ps("INSERT INTO users (name, password_hash, robot, admin, created, password_changed) VALUES (?, ?, ?, ?, ?, ?)"
          + " ON CONFLICT (name) DO NOTHING");
      long t = now();
      ps.setString(1, name);
      ps.setString(2, passwordHash);
      ps.setInt(3, robot ? 1 : 0);
      ps.setInt(4, admin ? 1 : 0);
      ps.setLong(5, t);
      ps.setLong(6, t);
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public boolean setPassword(String name, String passwordHash) {
    return db.write("setPassword", c -> {
      PreparedStatement ps = c.ps("UPDATE users SET password_hash = ?, password_changed = ? WHERE name = ?");
      ps.setString(1, passwordHash);
      ps.setLong(2, now());
      ps.setString(3, name);
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public boolean removeUser(String name) {
    return db.write("removeUser", c -> {
      PreparedStatement ps = c.ps("DELETE FROM users WHERE name = ?");
      ps.setString(1, name);
      return ps.executeUpdate() == 1;
    });
  }

  private static Grant grant(ResultSet rs) throws SQLException {
    return new Grant(rs.getLong("id"), rs.getString("action"), rs.getString("namespace"), rs.getString("principal"), instant(rs, "created"));
  }

  private static final String GRANT_COLS = "SELECT id, action, namespace, principal, created FROM grants";

  @Override
  public Grant grant(String action, String namespace, String principal) {
    return db.write("grant", c -> {
      PreparedStatement find = c.ps(GRANT_COLS + " WHERE principal = ? AND namespace = ? AND action = ?");
      find.setString(1, principal);
      find.setString(2, namespace);
      find.setString(3, action);
      try (ResultSet rs = find.executeQuery()) {
        if (rs.next()) return grant(rs);
      }
      long id = nextId(c, "grants");
      long t = now();
      PreparedStatement ins = c.ps("INSERT INTO grants (id, action, namespace, principal, created) VALUES (?, ?, ?, ?, ?)");
      ins.setLong(1, id);
      ins.setString(2, action);
      ins.setString(3, namespace);
      ins.setString(4, principal);
      ins.setLong(5, t);
      ins.executeUpdate();
      return new Grant(id, action, namespace, principal, Instant.ofEpochMilli(t));
    });
  }

  private static long nextId(SqliteMetadataStore.Conn c, String table) throws SQLException {
    try (ResultSet rs = c.ps("SELECT COALESCE(MAX(id), 0) + 1 FROM " + table).executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Override
  public boolean revoke(String action, String namespace, String principal) {
    return db.write("revoke", c -> {
      PreparedStatement ps = c.ps("DELETE FROM grants WHERE principal = ? AND namespace = ? AND action = ?");
      ps.setString(1, principal);
      ps.setString(2, namespace);
      ps.setString(3, action);
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public List<Grant> grants(String principal) {
    return db.read("grants", c -> {
      PreparedStatement ps = c.ps(GRANT_COLS + " WHERE principal = ? ORDER BY namespace, action");
      ps.setString(1, principal);
      return grants(ps);
    });
  }

  @Override
  public List<Grant> allGrants() {
    return db.read("allGrants", c -> grants(c.ps(GRANT_COLS + " ORDER BY principal, namespace, action")));
  }

  private static List<Grant> grants(PreparedStatement ps) throws SQLException {
    List<Grant> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) out.add(grant(rs));
    }
    return out;
  }

  @Override
  public void setPublic(String namespace, boolean isPublic) {
    db.write("setPublic", c -> {
      PreparedStatement ps = isPublic
          ? c.ps("INSERT INTO public_namespaces (namespace, created) VALUES (?, ?) ON CONFLICT (namespace) DO NOTHING")
          : c.ps("DELETE FROM public_namespaces WHERE namespace = ?");
      ps.setString(1, namespace);
      if (isPublic) ps.setLong(2, now());
      return ps.executeUpdate();
    });
  }

  @Override
  public List<String> publicNamespaces() {
    return db.read("publicNamespaces", c -> {
      List<String> out = new ArrayList<>();
      try (ResultSet rs = c.ps("SELECT namespace FROM public_namespaces ORDER BY namespace").executeQuery()) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  private static final String TOKEN_COLS = "SELECT id, owner, actions, namespace, description, created, expires, revoked FROM tokens";

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(rs.getLong("id"), rs.getString("owner"), new LinkedHashSet<>(Arrays.asList(rs.getString("actions").split(","))),
        rs.getString("namespace"), rs.getString("description"), instant(rs, "created"), instant(rs, "expires"), instant(rs, "revoked"));
  }

  @Override
  public Token createToken(String secretHash, String owner, Set<String> actions, String namespace, String description, Instant expires) {
    return db.write("createToken", c -> {
      long id = nextId(c, "tokens");
      long t = now();
      PreparedStatement ps = c.ps("INSERT INTO tokens (id, secret_hash, owner, actions, namespace, description, created, expires) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
      ps.setLong(1, id);
      ps.setString(2, secretHash);
      ps.setString(3, owner);
      ps.setString(4, String.join(",", actions));
      ps.setString(5, namespace);
      if (description == null) ps.setNull(6, Types.VARCHAR); else ps.setString(6, description);
      ps.setLong(7, t);
      ps.setLong(8, expires.toEpochMilli());
      ps.executeUpdate();
      return new Token(id, owner, actions, namespace, description, Instant.ofEpochMilli(t), Instant.ofEpochMilli(expires.toEpochMilli()), null);
    });
  }

  @Override
  public Optional<Token> tokenBySecretHash(String secretHash) {
    return db.read("tokenBySecret", c -> {
      PreparedStatement ps = c.ps(TOKEN_COLS + " WHERE secret_hash = ?");
      ps.setString(1, secretHash);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(token(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public Optional<Token> token(long id) {
    return db.read("token", c -> {
      PreparedStatement ps = c.ps(TOKEN_COLS + " WHERE id = ?");
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(token(rs)) : Optional.empty();
      }
    });
  }

  @Override
  public List<Token> tokens() {
    return db.read("tokens", c -> {
      List<Token> out = new ArrayList<>();
      try (ResultSet rs = c.ps(TOKEN_COLS + " ORDER BY id").executeQuery()) {
        while (rs.next()) out.add(token(rs));
      }
      return out;
    });
  }

  @Override
  public boolean revokeToken(long id) {
    return db.write("revokeToken", c -> {
      PreparedStatement ps = c.ps("UPDATE tokens SET revoked = ? WHERE id = ? AND revoked IS NULL");
      ps.setLong(1, now());
      ps.setLong(2, id);
      return ps.executeUpdate() == 1;
    });
  }

  @Override
  public void audit(AuditEntry e) {
    db.write("audit", c -> {
      long id = nextId(c, "audit");
      PreparedStatement ps = c.ps("INSERT INTO audit (id, time, request_id, principal, client, remote, action, resource, decision, reason, message)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      ps.setLong(1, id);
      ps.setLong(2, (e.time() == null ? Instant.now() : e.time()).toEpochMilli());
      String[] s = {e.requestId(), e.principal(), e.client(), e.remote(), e.action(), e.resource(), e.decision(), e.reason(), e.message()};
      for (int i = 0; i < s.length; i++) {
        if (s[i] == null) ps.setNull(3 + i, Types.VARCHAR); else ps.setString(3 + i, s[i]);
      }
      return ps.executeUpdate();
    });
  }

  @Override
  public List<AuditEntry> audit(AuditQuery q) {
    StringBuilder sql = new StringBuilder("SELECT id, time, request_id, principal, client, remote, action, resource, decision, reason, message FROM audit WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (Boolean.TRUE.equals(q.deniedOnly())) sql.append(" AND decision = 'denied'");
    if (q.requestId() != null) {
      sql.append(" AND request_id = ?");
      args.add(q.requestId());
    }
    if (q.since() != null) {
      sql.append(" AND time >= ?");
      args.add(q.since().toEpochMilli());
    }
    if (q.principal() != null) {
      sql.append(" AND principal = ?");
      args.add(q.principal());
    }
    sql.append(" ORDER BY time DESC, id DESC LIMIT ").append(q.limit() <= 0 ? 1000 : q.limit());
    return db.read("audit query", c -> {
      PreparedStatement ps = c.c.prepareStatement(sql.toString());
      try {
        for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
        List<AuditEntry> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new AuditEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11)));
          }
        }
        return out;
      } finally {
        ps.close();
      }
    });
  }
}
