package dev.berth.cli;

import dev.berth.server.auth.AuthStore;
import dev.berth.server.meta.SqliteAuthStore;
import dev.berth.server.meta.SqliteMetadataStore;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --data DIR}: the registry's data directory, for the admin commands. They write the same
 * SQLite database the server uses (safe while it runs), so a change takes effect at once.
 */
final class DataDir {
  @Option(names = "--data", paramLabel = "DIR", description = "The registry's data directory (default: $BERTH_DATA or ./berth-data).")
  Path data;

  @Option(names = "--server", paramLabel = "URL", description = {"Use the admin API of a running server instead of a data directory",
      "(e.g. https://registry.example.com:5000), with the login 'berth login' or 'docker login' stored for it."})
  String server;

  /** The admin operations: through --server's admin API, or on the data directory. */
  AdminOps admin() {
    if (server != null) {
      if (data != null) throw new UserError("choose --server (a running server's admin API) or --data (a data directory), not both");
      return new RemoteAdmin(server);
    }
    return new LocalAdmin(open());
  }

  Path path() {
    if (data != null) return data.toAbsolutePath().normalize();
    String env = System.getenv("BERTH_DATA");
    return Path.of(env != null && !env.isBlank() ? env : "berth-data").toAbsolutePath().normalize();
  }

  /** Opens the metadata database; the caller closes the returned handle. */
  Stores open() {
    Path dir = path();
    Path db = dir.resolve("metadata.db");
    if (!Files.exists(db)) {
      throw new UserError("no berth registry data in " + dir + " (no metadata.db): start the registry once with 'berth serve --data " + dir
          + "', or point --data (or BERTH_DATA) at its data directory");
    }
    SqliteMetadataStore meta = SqliteMetadataStore.open(db);
    return new Stores(meta, new SqliteAuthStore(meta));
  }

  record Stores(SqliteMetadataStore meta, AuthStore auth) implements AutoCloseable {
    @Override
    public void close() {
      meta.close();
    }
  }
}
