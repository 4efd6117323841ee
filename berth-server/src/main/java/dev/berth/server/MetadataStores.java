package dev.berth.server;

import dev.berth.server.meta.SqliteMetadataStore;

/** Opens the metadata store the configuration names (SQLite in the data directory by default). */
final class MetadataStores {
  private MetadataStores() {}

  static SqliteMetadataStore open(ServerConfig config) {
    return SqliteMetadataStore.open(config.dataDir().resolve("metadata.db"));
  }
}
