package dev.berth.server;

import dev.berth.server.meta.MetadataStore;

/** Opens the metadata store the configuration names (SQLite in the data directory by default). */
final class MetadataStores {
  private MetadataStores() {}

  static MetadataStore open(ServerConfig config) throws Exception {
    throw new UnsupportedOperationException("the SQLite metadata store is being merged");
  }
}
