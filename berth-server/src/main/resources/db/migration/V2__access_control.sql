-- berth metadata schema, version 2: access control and the audit log.
-- Same conventions as V1 (portable SQL, epoch-millisecond timestamps, application-assigned ids).

-- People and robots. Passwords are bcrypt hashes ($2a$/$2b$/$2y$). password_changed invalidates
-- refresh tokens issued before it.
CREATE TABLE users (
  name             TEXT    NOT NULL PRIMARY KEY,
  password_hash    TEXT    NOT NULL,
  robot            INTEGER NOT NULL DEFAULT 0,
  admin            INTEGER NOT NULL DEFAULT 0,
  created          BIGINT  NOT NULL,
  password_changed BIGINT  NOT NULL
);

-- Permissions: ACTION (pull, push, delete, admin) on a NAMESPACE (a repository-name prefix,
-- matched component by component; '' is every repository) for a user.
CREATE TABLE grants (
  id        BIGINT NOT NULL PRIMARY KEY,
  action    TEXT   NOT NULL CHECK (action IN ('pull', 'push', 'delete', 'admin')),
  namespace TEXT   NOT NULL,
  principal TEXT   NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  created   BIGINT NOT NULL,
  UNIQUE (principal, namespace, action)
);

-- Namespaces anyone may pull from without credentials.
CREATE TABLE public_namespaces (
  namespace TEXT   NOT NULL PRIMARY KEY,
  created   BIGINT NOT NULL
);

-- Short-lived credentials (CI job tokens): the secret is shown once; only its SHA-256 is kept.
CREATE TABLE tokens (
  id          BIGINT NOT NULL PRIMARY KEY,
  secret_hash TEXT   NOT NULL UNIQUE,
  owner       TEXT   NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  actions     TEXT   NOT NULL,
  namespace   TEXT   NOT NULL,
  description TEXT,
  created     BIGINT NOT NULL,
  expires     BIGINT NOT NULL,
  revoked     BIGINT
);

-- Every denial and every write: who, with what client, did or tried what, and why it was decided so.
CREATE TABLE audit (
  id         BIGINT NOT NULL PRIMARY KEY,
  time       BIGINT NOT NULL,
  request_id TEXT,
  principal  TEXT   NOT NULL,
  client     TEXT,
  remote     TEXT,
  action     TEXT   NOT NULL,
  resource   TEXT   NOT NULL,
  decision   TEXT   NOT NULL,
  reason     TEXT,
  message    TEXT
);
CREATE INDEX audit_by_time ON audit (time);
CREATE INDEX audit_by_request ON audit (request_id);
