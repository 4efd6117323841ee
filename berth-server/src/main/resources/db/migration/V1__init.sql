-- berth metadata schema, version 1.
--
-- Portable SQL: runs unchanged on SQLite (3.35+) and PostgreSQL. Timestamps are UTC epoch
-- milliseconds (BIGINT). Digests are their canonical text form "algorithm:hex". Ids are assigned
-- by the application (no AUTOINCREMENT / SERIAL / IDENTITY) so that the same file serves both.
-- Lexical ordering of names assumes a byte-wise collation (SQLite BINARY, PostgreSQL "C").
-- See docs/metadata-schema.md for what each table means and which invariant it serves.

-- A repository exists once anything was pushed (linked or indexed) into it.
CREATE TABLE repositories (
  id      BIGINT NOT NULL PRIMARY KEY,
  name    TEXT   NOT NULL UNIQUE,
  created BIGINT NOT NULL
);

-- Content that exists, complete and verified, in storage. Manifest bytes are blobs too.
CREATE TABLE blobs (
  digest  TEXT   NOT NULL PRIMARY KEY,
  size    BIGINT NOT NULL,
  created BIGINT NOT NULL
);

-- A blob is readable in a repository only if it is linked there.
CREATE TABLE repo_blobs (
  repo_id BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  digest  TEXT   NOT NULL REFERENCES blobs (digest),
  created BIGINT NOT NULL,
  PRIMARY KEY (repo_id, digest)
);
-- GC: "is this blob linked anywhere?"; also serves the foreign key check when a blob row goes.
CREATE INDEX repo_blobs_by_digest ON repo_blobs (digest);

-- The manifest index of a repository.
CREATE TABLE manifests (
  repo_id       BIGINT NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
  digest        TEXT   NOT NULL REFERENCES blobs (digest),
  media_type    TEXT   NOT NULL,
  size          BIGINT NOT NULL,
  artifact_type TEXT,
  subject       TEXT,
  annotations   TEXT,
  created       BIGINT NOT NULL,
  PRIMARY KEY (repo_id, digest)
);
-- Referrers API: manifests of a repository by subject, in digest order.
CREATE INDEX manifests_by_subject ON manifests (repo_id, subject, digest) WHERE subject IS NOT NULL;
-- GC: "is this manifest indexed in any repository?"; foreign key check on blobs.
CREATE INDEX manifests_by_digest ON manifests (digest);

-- What each manifest references, in order: blobs (config, layers) and manifests (index entries).
CREATE TABLE manifest_refs (
  repo_id         BIGINT  NOT NULL,
  manifest_digest TEXT    NOT NULL,
  kind            TEXT    NOT NULL CHECK (kind IN ('blob', 'manifest')),
  seq             INTEGER NOT NULL,
  ref_digest      TEXT    NOT NULL,
  PRIMARY KEY (repo_id, manifest_digest, kind, seq),
  FOREIGN KEY (repo_id, manifest_digest) REFERENCES manifests (repo_id, digest) ON DELETE CASCADE
);
-- GC and delete protection: "who references this digest?", across or within repositories.
CREATE INDEX manifest_refs_by_ref ON manifest_refs (ref_digest, repo_id);

-- Tags: a name in a repository pointing at one of its manifests. The primary key is the
-- (repo, name)-ordered index that tag listing pages through.
CREATE TABLE tags (
  repo_id BIGINT NOT NULL,
  name    TEXT   NOT NULL,
  digest  TEXT   NOT NULL,
  updated BIGINT NOT NULL,
  PRIMARY KEY (repo_id, name),
  FOREIGN KEY (repo_id, digest) REFERENCES manifests (repo_id, digest) ON DELETE CASCADE
);
-- Tags of a manifest (tag list of a digest, manifest delete).
CREATE INDEX tags_by_digest ON tags (repo_id, digest);

-- Upload sessions. Keyed by repository name, not id: starting an upload does not create a
-- repository, and a session must survive landing on another replica.
CREATE TABLE uploads (
  id         TEXT   NOT NULL PRIMARY KEY,
  repository TEXT   NOT NULL,
  size       BIGINT NOT NULL,
  started    BIGINT NOT NULL,
  updated    BIGINT NOT NULL
);
-- Expiry sweep: sessions by last activity (id breaks ties, for a stable order).
CREATE INDEX uploads_by_updated ON uploads (updated, id);
