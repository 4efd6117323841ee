package dev.berth.storage;

import java.util.Objects;

/**
 * The one place that decides what a storage path is, so that every driver (filesystem, S3, …)
 * refuses the same paths with the same message.
 *
 * <p>A path is relative and '/'-separated; each component is 1 to {@value #MAX_COMPONENT}
 * characters of {@code [A-Za-z0-9._-]} and is neither {@code .} nor {@code ..}; the whole path is
 * at most {@value #MAX_PATH} characters (S3's key limit, and well inside PATH_MAX). Because the
 * character set is ASCII, lexical {@link String#compareTo} order is also byte order, which is the
 * order object stores list in.
 *
 * <p>Drivers may rely on names outside this set (e.g. containing {@code '~'}) never colliding
 * with an object, and use them for their own bookkeeping such as temporary files.
 */
public final class StoragePaths {

  /** Longest component: NAME_MAX on common filesystems. */
  public static final int MAX_COMPONENT = 255;

  /** Longest path: the S3 key limit. */
  public static final int MAX_PATH = 1024;

  private StoragePaths() {}

  /**
   * Checks an object path (non-empty).
   *
   * @return {@code path}, for chaining
   * @throws IllegalArgumentException naming the path and what is wrong with it
   */
  public static String check(String path) {
    Objects.requireNonNull(path, "storage path");
    if (path.isEmpty()) throw invalid(path, "it is empty");
    if (path.length() > MAX_PATH) throw invalid(path, "it is longer than " + MAX_PATH + " characters");
    if (path.charAt(0) == '/') throw invalid(path, "it is absolute; storage paths are relative");
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      checkComponent(path, start, end);
      if (slash < 0) return path;
      start = slash + 1;
    }
  }

  /**
   * Checks a list prefix: an object path, or {@code ""} for the root.
   *
   * @return {@code prefix}, for chaining
   */
  public static String checkPrefix(String prefix) {
    Objects.requireNonNull(prefix, "storage prefix");
    return prefix.isEmpty() ? prefix : check(prefix);
  }

  /** Whether {@code name} is a valid single path component. */
  public static boolean isComponent(String name) {
    int n = name.length();
    if (n == 0 || n > MAX_COMPONENT || name.equals(".") || name.equals("..")) return false;
    for (int i = 0; i < n; i++) {
      if (!allowed(name.charAt(i))) return false;
    }
    return true;
  }

  /** {@code parent + "/" + name}, or {@code name} when {@code parent} is the root {@code ""}. */
  public static String join(String parent, String name) {
    return parent.isEmpty() ? name : parent + "/" + name;
  }

  private static void checkComponent(String path, int start, int end) {
    if (start == end) {
      throw invalid(path, end == path.length() ? "it ends with '/'" : "it has an empty component (\"//\")");
    }
    if (end - start > MAX_COMPONENT) {
      throw invalid(path, "a component is longer than " + MAX_COMPONENT + " characters");
    }
    int len = end - start;
    if (path.charAt(start) == '.' && (len == 1 || (len == 2 && path.charAt(start + 1) == '.'))) {
      throw invalid(path, "component \"" + path.substring(start, end) + "\" is not allowed");
    }
    for (int i = start; i < end; i++) {
      char c = path.charAt(i);
      if (!allowed(c)) {
        throw invalid(path, "character " + describe(c) + " at index " + i + " is not one of [A-Za-z0-9._-]");
      }
    }
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  }

  private static IllegalArgumentException invalid(String path, String why) {
    return new IllegalArgumentException("invalid storage path \"" + printable(path) + "\": " + why);
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** The path as it can safely go into a message or a log line: non-printable characters escaped. */
  private static String printable(String s) {
    String shown = s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
    StringBuilder b = new StringBuilder(shown.length());
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }
}
