package dev.berth.client.build;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A filesystem as a sorted map of paths (no leading slash, {@code ""} is the root) to entries: the
 * build context, or a stage's root filesystem assembled from its layers.
 */
final class FsTree {
  /** Where a regular file's bytes come from. */
  @FunctionalInterface
  interface Content {
    InputStream open() throws IOException;
  }

  record Node(char type, int mode, int uid, int gid, long size, String link, Content content) {
    boolean isDir() {
      return type == '5';
    }

    Node with(int mode, int uid, int gid) {
      return new Node(type, mode, uid, gid, size, link, content);
    }
  }

  final TreeMap<String, Node> nodes = new TreeMap<>();

  Node get(String path) {
    return nodes.get(path);
  }

  void put(String path, Node n) {
    nodes.put(path, n);
  }

  void removeTree(String path) {
    nodes.remove(path);
    String prefix = path.isEmpty() ? "" : path + "/";
    nodes.subMap(prefix, prefix + Character.MAX_VALUE).clear();
  }

  /** The entries under a directory (not the directory itself), by path relative to it. */
  Map<String, Node> children(String dir) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    Map<String, Node> out = new TreeMap<>();
    for (var e : nodes.subMap(prefix, prefix + Character.MAX_VALUE).entrySet()) {
      if (!e.getKey().isEmpty()) out.put(e.getKey().substring(prefix.length()), e.getValue());
    }
    return out;
  }

  /** Paths matching a glob (Go filepath.Match, per path segment). */
  List<String> glob(String pattern) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(DockerIgnore.regex(pattern));
    List<String> out = new ArrayList<>();
    for (String k : nodes.keySet()) if (!k.isEmpty() && p.matcher(k).matches()) out.add(k);
    return out;
  }

  /** Follows symbolic links (within the tree) to the entry a path names. */
  String resolve(String path) {
    for (int hops = 0; hops < 40; hops++) {
      Node n = nodes.get(path);
      if (n == null || n.type() != '2') return path;
      String link = n.link();
      if (link.startsWith("/")) path = normalize(link);
      else {
        int slash = path.lastIndexOf('/');
        path = normalize((slash < 0 ? "" : path.substring(0, slash + 1)) + link);
      }
    }
    return path;
  }

  /** {@code /a/./b/../c/} → {@code a/c}. */
  static String normalize(String p) {
    List<String> parts = new ArrayList<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) {
        if (!parts.isEmpty()) parts.remove(parts.size() - 1);
      } else {
        parts.add(s);
      }
    }
    return String.join("/", parts);
  }
}
