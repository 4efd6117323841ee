package dev.berth.server.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-04T05:06:07Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private Connection connect(String name) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(name));
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) b.append(i > 1 ? "|" : "").append(rs.getString(i));
        out.add(b.toString());
      }
    }
    return out;
  }

  private static boolean tableExists(Connection c, String table) throws SQLException {
    return !rows(c, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'").isEmpty();
  }

  /** The newest shipped version; test migrations come after it. */
  private static final int S = Migrations.shipped().latestVersion();

  private static List<Integer> shippedVersions() {
    return Migrations.shipped().migrations().stream().map(Migrations.Migration::version).toList();
  }

  private static List<String> shippedVersionStrings(int... extra) {
    List<String> out = new ArrayList<>(shippedVersions().stream().map(String::valueOf).toList());
    for (int e : extra) out.add(String.valueOf(e));
    return out;
  }

  private static Migrations shippedPlus(String fileName, String sql) {
    List<Migrations.Migration> list = new ArrayList<>(Migrations.shipped().migrations());
    list.add(Migrations.Migration.of(fileName, sql));
    return Migrations.of(list);
  }

  @Test
  void freshDatabaseGetsEveryMigration() throws Exception {
    Migrations shipped = Migrations.shipped();
    try (Connection c = connect("a.db")) {
      assertThat(shipped.migrate(c, CLOCK)).containsExactlyElementsOf(shippedVersions());
      assertThat(Migrations.currentVersion(c)).isEqualTo(shipped.latestVersion()).isEqualTo(S);
      assertThat(rows(c, "SELECT version, description, applied FROM schema_version ORDER BY version"))
          .startsWith("1|init|" + CLOCK.millis()).hasSize(shippedVersions().size());
      for (String t : List.of("repositories", "blobs", "repo_blobs", "manifests", "manifest_refs", "tags", "uploads")) {
        assertThat(tableExists(c, t)).as(t).isTrue();
      }
      assertThat(c.getAutoCommit()).isTrue();
    }
  }

  @Test
  void migratingAnUpToDateDatabaseIsANoOp() throws Exception {
    try (Connection c = connect("a.db")) {
      Migrations.shipped().migrate(c, CLOCK);
      List<String> before = rows(c, "SELECT * FROM schema_version");
      assertThat(Migrations.shipped().migrate(c, Clock.offset(CLOCK, java.time.Duration.ofDays(1)))).isEmpty();
      assertThat(rows(c, "SELECT * FROM schema_version")).isEqualTo(before);
    }
    // and through the store: open, close, open again
    SqliteMetadataStore.open(dir.resolve("a.db")).close();
    try (Connection c = connect("a.db")) {
      assertThat(rows(c, "SELECT version FROM schema_version ORDER BY version")).containsExactlyElementsOf(shippedVersionStrings());
    }
  }

  @Test
  void newMigrationsAreAppliedOnTopOfOldOnes() throws Exception {
    try (Connection c = connect("a.db")) {
      Migrations.shipped().migrate(c, CLOCK);
      Migrations next = shippedPlus("V" + (S + 1) + "__labels.sql",
          "-- labels; a comment with a ; in it\nCREATE TABLE labels (k TEXT NOT NULL PRIMARY KEY, v TEXT);\n"
              + "INSERT INTO labels (k, v) VALUES ('semi;colon', 'it''s');\n");
      assertThat(next.migrate(c, CLOCK)).containsExactly(S + 1);
      assertThat(rows(c, "SELECT k, v FROM labels")).containsExactly("semi;colon|it's");
      assertThat(rows(c, "SELECT version FROM schema_version ORDER BY version")).containsExactlyElementsOf(shippedVersionStrings(S + 1));
    }
  }

  @Test
  void aDatabaseNewerThanTheCodeIsRefused() throws Exception {
    Path file = dir.resolve("newer.db");
    try (Connection c = connect("newer.db")) {
      shippedPlus("V" + (S + 1) + "__future.sql", "CREATE TABLE future (x BIGINT)").migrate(c, CLOCK);
    }
    assertThatThrownBy(() -> SqliteMetadataStore.open(file))
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("schema version " + (S + 1))
        .hasMessageContaining("newer berth")
        .hasMessageContaining("refusing to start");
    try (Connection c = connect("newer.db")) {
      assertThat(tableExists(c, "future")).isTrue();
      assertThat(rows(c, "SELECT version FROM schema_version ORDER BY version")).containsExactlyElementsOf(shippedVersionStrings(S + 1));
    }
  }

  @Test
  void anEditedMigrationIsRefused() throws Exception {
    try (Connection c = connect("a.db")) {
      Migrations.of(List.of(Migrations.Migration.of("V1__init.sql", "CREATE TABLE t (a BIGINT)"))).migrate(c, CLOCK);
      Migrations edited = Migrations.of(List.of(Migrations.Migration.of("V1__init.sql", "CREATE TABLE t (a TEXT)")));
      assertThatThrownBy(() -> edited.migrate(c, CLOCK))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("V1__init.sql differs");
      // comments and layout may change freely
      Migrations reformatted = Migrations.of(List.of(Migrations.Migration.of("V1__init.sql",
          "-- the t table\nCREATE   TABLE t (\n  a BIGINT\n);\n")));
      assertThat(reformatted.migrate(c, CLOCK)).isEmpty();
    }
  }

  @Test
  void aFailingMigrationLeavesNothingBehind() throws Exception {
    try (Connection c = connect("a.db")) {
      Migrations.shipped().migrate(c, CLOCK);
      Migrations broken = shippedPlus("V" + (S + 1) + "__broken.sql",
          "CREATE TABLE half (x BIGINT); INSERT INTO half VALUES (1); CREATE TABLE oops (;");
      assertThatThrownBy(() -> broken.migrate(c, CLOCK))
          .isInstanceOf(MigrationException.class)
          .hasMessageContaining("V" + (S + 1) + "__broken.sql failed at statement 3")
          .hasMessageContaining("stays at schema version " + S);
      assertThat(tableExists(c, "half")).isFalse();
      assertThat(Migrations.currentVersion(c)).isEqualTo(S);
      assertThat(c.getAutoCommit()).isTrue();
    }
  }

  @Test
  void allPendingMigrationsAreOneTransaction() throws Exception {
    try (Connection c = connect("a.db")) {
      List<Migrations.Migration> list = new ArrayList<>(Migrations.shipped().migrations());
      list.add(Migrations.Migration.of("V" + (S + 1) + "__ok.sql", "CREATE TABLE ok (x BIGINT)"));
      list.add(Migrations.Migration.of("V" + (S + 2) + "__bad.sql", "CREATE TABLE ok (x BIGINT)"));
      assertThatThrownBy(() -> Migrations.of(list).migrate(c, CLOCK)).isInstanceOf(MigrationException.class);
      assertThat(Migrations.currentVersion(c)).isZero();
      assertThat(tableExists(c, "repositories")).isFalse();
    }
  }

  @Test
  void versionsMustIncrease() {
    var v2 = Migrations.Migration.of("V2__b.sql", "SELECT 1");
    var v1 = Migrations.Migration.of("V1__a.sql", "SELECT 1");
    assertThatThrownBy(() -> Migrations.of(List.of(v2, v1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Migrations.Migration.of("init.sql", "SELECT 1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void splitsStatementsUnderstandingCommentsAndQuotes() {
    assertThat(Migrations.splitStatements("""
        -- leading; comment
        CREATE TABLE a (x TEXT DEFAULT 'a;b'); /* block; comment */
        INSERT INTO a VALUES ('it''s; fine');;
        SELECT "odd;name" FROM a
        """)).containsExactly(
            "CREATE TABLE a (x TEXT DEFAULT 'a;b')",
            "INSERT INTO a VALUES ('it''s; fine')",
            "SELECT \"odd;name\" FROM a");
  }

  /** Every migration file in the directory is listed in the index, in version order. */
  @Test
  void indexListsEveryMigrationFile() throws Exception {
    URL url = getClass().getClassLoader().getResource(Migrations.DEFAULT_LOCATION + "/index.txt");
    assertThat(url).isNotNull();
    Path folder = Path.of(url.toURI()).getParent();
    List<String> files;
    try (Stream<Path> s = Files.list(folder)) {
      files = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sql")).toList();
    }
    List<String> listed = Migrations.shipped().migrations().stream().map(Migrations.Migration::fileName).toList();
    assertThat(listed).containsExactlyInAnyOrderElementsOf(files);
  }

  /** The SQL is meant to run on PostgreSQL too: keep SQLite-only constructs out of it. */
  @Test
  void shippedMigrationsAvoidSqliteOnlySyntax() {
    for (Migrations.Migration m : Migrations.shipped().migrations()) {
      for (String sql : m.statements()) {
        assertThat(sql.toUpperCase(java.util.Locale.ROOT)).as(m.fileName())
            .doesNotContain("AUTOINCREMENT", "WITHOUT ROWID", "PRAGMA", "INSERT OR ", "REPLACE INTO", "DATETIME",
                "STRICT");
      }
    }
  }
}
