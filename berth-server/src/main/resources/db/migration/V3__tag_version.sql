-- berth metadata schema, version 3: a version for each repository's tags, so that tag lists can
-- be cached by any replica and checked with one primary-key read.
--
-- tag_version changes in the same transaction as any change to a repository's tags (a tag
-- created, moved or deleted, a manifest deleted with its tags). Its values come from one counter
-- shared by all repositories, so a value is never reused: a repository deleted and pushed again
-- under the same name can never present a version some cache saw for its earlier life. 0 means
-- "no tag was ever changed", which is always the empty list.
ALTER TABLE repositories ADD COLUMN tag_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE counters (
  name  TEXT   NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('tag_version', 0);
