package dev.berth.server.meta;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tiny schema migration runner (Flyway's file convention without Flyway's startup cost).
 *
 * <p>Migrations are {@code V<version>__<description>.sql} files under {@code db/migration} on the
 * class path, listed in order in {@code db/migration/index.txt} (listing a class-path directory is
 * not portable across jars and images; a test checks the index matches the directory). Applied
 * versions are recorded in {@code schema_version} with a checksum of their statements.
 *
 * <p>{@link #migrate} runs in one transaction: it validates what is recorded (refusing a database
 * newer than the code, or one whose recorded migrations differ from the shipped ones), applies
 * whatever is pending, and commits; on any failure nothing is applied. Files are split into
 * statements at top-level semicolons (comments and quoted text are understood); triggers and other
 * statements with embedded semicolons are not supported.
 */
public final class Migrations {
  /** Where the shipped migrations live on the class path. */
  public static final String DEFAULT_LOCATION = "db/migration";

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);
  private static final Pattern FILE_NAME = Pattern.compile("V([0-9]+)__([A-Za-z0-9_]+)\\.sql");

  static final String CREATE_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS schema_version ("
          + " version INTEGER NOT NULL PRIMARY KEY,"
          + " description TEXT NOT NULL,"
          + " checksum TEXT NOT NULL,"
          + " applied BIGINT NOT NULL)";

  /**
   * One migration file.
   *
   * @param version its version, from the file name
   * @param description the rest of the file name
   * @param statements its SQL statements, comments removed
   * @param checksum SHA-256 over the statements with whitespace normalised (editing comments or
   *     layout does not change it; editing SQL does)
   */
  public record Migration(int version, String description, List<String> statements, String checksum) {
    public Migration {
      statements = List.copyOf(statements);
    }

    /** Parses a migration from its file name and content. */
    public static Migration of(String fileName, String sql) {
      Matcher m = FILE_NAME.matcher(fileName);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            "migration file \"" + fileName + "\" is not named V<version>__<description>.sql");
      }
      List<String> statements = splitStatements(sql);
      return new Migration(Integer.parseInt(m.group(1)), m.group(2), statements, Migrations.checksum(statements));
    }

    public String fileName() {
      return "V" + version + "__" + description + ".sql";
    }
  }

  private final List<Migration> migrations;

  private Migrations(List<Migration> migrations) {
    int previous = 0;
    for (Migration m : migrations) {
      if (m.version() <= previous) {
        throw new IllegalArgumentException(
            "migration versions must increase: " + m.fileName() + " comes after version " + previous);
      }
      previous = m.version();
    }
    this.migrations = List.copyOf(migrations);
  }

  /** The given migrations, in increasing version order. */
  public static Migrations of(List<Migration> migrations) {
    return new Migrations(migrations);
  }

  /** The migrations shipped with berth. */
  public static Migrations shipped() {
    return fromClassPath(Migrations.class.getClassLoader(), DEFAULT_LOCATION);
  }

  /** The migrations listed in {@code location/index.txt}. */
  public static Migrations fromClassPath(ClassLoader loader, String location) {
    String index = resource(loader, location + "/index.txt");
    List<Migration> list = new ArrayList<>();
    for (String line : index.split("\n")) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) continue;
      list.add(Migration.of(name, resource(loader, location + "/" + name)));
    }
    return new Migrations(list);
  }

  private static String resource(ClassLoader loader, String path) {
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing class-path resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read class-path resource " + path, e);
    }
  }

  public List<Migration> migrations() {
    return migrations;
  }

  /** The schema version the code expects (0 with no migrations). */
  public int latestVersion() {
    return migrations.isEmpty() ? 0 : migrations.getLast().version();
  }

  /**
   * Brings the database to {@link #latestVersion()}. Returns the versions applied now (empty when
   * it was up to date). The connection's auto-commit setting is restored afterwards.
   *
   * @throws MigrationException when the database is newer than the code, its recorded migrations
   *     differ from these, or a migration fails (then nothing was applied)
   */
  public List<Integer> migrate(Connection c, Clock clock) {
    try {
      boolean autoCommit = c.getAutoCommit();
      try (Statement s = c.createStatement()) {
        s.execute(CREATE_VERSION_TABLE);
      }
      c.setAutoCommit(false);
      try {
        List<Integer> applied = migrateInTransaction(c, clock);
        c.commit();
        return applied;
      } catch (RuntimeException | SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new MigrationException("cannot migrate the metadata database: " + e.getMessage(), e);
    }
  }

  private List<Integer> migrateInTransaction(Connection c, Clock clock) throws SQLException {
    try (Statement s = c.createStatement()) {
      // A write first, so that the transaction holds the write lock before it reads the version:
      // two processes starting on the same new database then migrate one after the other instead
      // of both reading version 0 (SQLite would otherwise fail one of them on lock upgrade).
      s.executeUpdate("UPDATE schema_version SET applied = applied WHERE version < 0");
    }
    Map<Integer, String[]> recorded = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, description, checksum FROM schema_version")) {
      while (rs.next()) {
        recorded.put(rs.getInt(1), new String[] {rs.getString(2), rs.getString(3)});
      }
    }
    int dbVersion = recorded.isEmpty() ? 0 : ((TreeMap<Integer, String[]>) recorded).lastKey();
    if (dbVersion > latestVersion()) {
      throw new MigrationException(
          "the metadata database is at schema version " + dbVersion + " but this berth only knows versions up to "
              + latestVersion() + ": it was written by a newer berth. Run that newer berth, or restore a backup "
              + "taken before the upgrade; refusing to start rather than risk damaging it.");
    }
    Map<Integer, Migration> byVersion = new TreeMap<>();
    for (Migration m : migrations) byVersion.put(m.version(), m);
    for (var e : recorded.entrySet()) {
      Migration m = byVersion.get(e.getKey());
      if (m == null) {
        throw new MigrationException(
            "the metadata database records schema version " + e.getKey() + " (" + e.getValue()[0]
                + ") which this berth does not ship; it was migrated by a different build. Refusing to start.");
      }
      if (!Objects.equals(m.checksum(), e.getValue()[1])) {
        throw new MigrationException(
            "migration " + m.fileName() + " differs from the one applied to this metadata database (checksum "
                + e.getValue()[1] + ", shipped " + m.checksum() + "). Released migrations must never be edited; "
                + "add a new V<n> file instead. Refusing to start.");
      }
    }
    List<Integer> applied = new ArrayList<>();
    for (Migration m : migrations) {
      if (recorded.containsKey(m.version())) continue;
      if (m.version() < dbVersion) {
        throw new MigrationException(
            "migration " + m.fileName() + " is older than the database's schema version " + dbVersion
                + " but was never applied to it; refusing to apply migrations out of order.");
      }
      int n = 0;
      for (String sql : m.statements()) {
        n++;
        try (Statement s = c.createStatement()) {
          s.execute(sql);
        } catch (SQLException e) {
          throw new MigrationException(
              "migration " + m.fileName() + " failed at statement " + n + " (" + abbreviate(sql) + "): "
                  + e.getMessage() + "; nothing was applied, the database stays at schema version " + dbVersion,
              e);
        }
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO schema_version (version, description, checksum, applied) VALUES (?, ?, ?, ?)")) {
        ps.setInt(1, m.version());
        ps.setString(2, m.description());
        ps.setString(3, m.checksum());
        ps.setLong(4, clock.millis());
        ps.executeUpdate();
      }
      applied.add(m.version());
    }
    if (!applied.isEmpty()) {
      LOG.info("metadata schema migrated from version {} to {} (applied {})", dbVersion, latestVersion(), applied);
    }
    return applied;
  }

  /** The highest applied version, 0 for a database never migrated. */
  public static int currentVersion(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(CREATE_VERSION_TABLE);
      try (ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static String abbreviate(String sql) {
    String one = sql.replaceAll("\\s+", " ");
    return one.length() > 80 ? one.substring(0, 80) + "…" : one;
  }

  /**
   * Splits a script into statements at top-level semicolons, dropping {@code --} and
   * {@code /* *\/} comments and empty statements; text in single or double quotes is kept as is.
   */
  static List<String> splitStatements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char ch = sql.charAt(i);
      if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int eol = sql.indexOf('\n', i);
        i = eol < 0 ? n : eol;
        cur.append(' ');
      } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) throw new IllegalArgumentException("unterminated /* comment in migration");
        i = end + 2;
        cur.append(' ');
      } else if (ch == '\'' || ch == '"') {
        int j = i + 1;
        while (true) {
          if (j >= n) throw new IllegalArgumentException("unterminated " + ch + " quote in migration");
          if (sql.charAt(j) == ch) {
            if (j + 1 < n && sql.charAt(j + 1) == ch) {
              j += 2; // doubled quote escapes itself
              continue;
            }
            break;
          }
          j++;
        }
        cur.append(sql, i, j + 1);
        i = j + 1;
      } else if (ch == ';') {
        addStatement(out, cur);
        i++;
      } else {
        cur.append(ch);
        i++;
      }
    }
    addStatement(out, cur);
    return out;
  }

  private static void addStatement(List<String> out, StringBuilder cur) {
    String s = cur.toString().strip();
    if (!s.isEmpty()) out.add(s);
    cur.setLength(0);
  }

  static String checksum(List<String> statements) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String s : statements) {
        md.update(normaliseWhitespace(s).getBytes(StandardCharsets.UTF_8));
        md.update((byte) ';');
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Drops whitespace outside quotes, except one space where it separates two words (so {@code
   * "( a BIGINT )"} and {@code "(a BIGINT)"} are the same).
   */
  private static String normaliseWhitespace(String s) {
    StringBuilder b = new StringBuilder(s.length());
    char quote = 0;
    boolean space = false;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote != 0) {
        b.append(ch);
        if (ch == quote) quote = 0;
      } else if (Character.isWhitespace(ch)) {
        space = true;
      } else {
        if (space && !b.isEmpty() && isWordChar(b.charAt(b.length() - 1)) && isWordChar(ch)) b.append(' ');
        space = false;
        if (ch == '\'' || ch == '"') quote = ch;
        b.append(ch);
      }
    }
    return b.toString();
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }
}
