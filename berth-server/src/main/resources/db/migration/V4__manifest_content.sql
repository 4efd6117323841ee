-- berth metadata schema, version 4: manifest bytes in the metadata store.
--
-- A manifest pushed by berth from this version on is stored byte-exact in its blobs row, in the
-- same transaction as its index entry and tag: one commit makes the bytes and the references to
-- them exist together, so no manifest is ever recorded whose bytes a crash lost, and a push costs
-- no file of its own (before, its own file, fsynced with its directory before the commit, was
-- most of a tag push). NULL for layers and configs, and for manifests stored as files in blob
-- storage by earlier versions, which are read from there as before.
ALTER TABLE blobs ADD COLUMN content BLOB;
