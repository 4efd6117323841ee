package dev.berth.client.layout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of contents of a tar file (ustar, with PAX {@code path}/{@code size}/{@code linkpath}
 * records and GNU long names), so that entries can be read in place without unpacking: docker
 * archives hold whole layers. Symbolic and hard links between entries (newer {@code docker save}
 * links {@code <id>/layer.tar} to {@code blobs/sha256/…}) are followed.
 */
final class TarIndex {
  record Entry(String name, char type, long offset, long size, String link) {}

  private final Path file;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private TarIndex(Path file) {
    this.file = file;
  }

  static TarIndex read(Path file) throws IOException {
    TarIndex t = new TarIndex(file);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = 0;
      long len = ch.size();
      ByteBuffer header = ByteBuffer.allocate(512);
      String longName = null;
      String longLink = null;
      Map<String, String> pax = Map.of();
      while (pos + 512 <= len) {
        header.clear();
        readFully(ch, header, pos);
        byte[] h = header.array();
        if (isZero(h)) break;
        if (!checksumOk(h)) throw new IOException("not a tar file, or damaged at offset " + pos + " (bad header checksum)");
        String name = string(h, 0, 100);
        String prefix = string(h, 345, 155);
        if (!prefix.isEmpty() && "ustar".equals(string(h, 257, 5))) name = prefix + "/" + name;
        char type = (char) (h[156] == 0 ? '0' : h[156]);
        long size = number(h, 124, 12);
        String link = string(h, 157, 100);
        long data = pos + 512;
        long next = data + ((size + 511) / 512) * 512;
        switch (type) {
          case 'x' -> pax = TarHeaders.parsePax(readString(ch, data, size));
          case 'g' -> { /* global PAX header: nothing berth needs */ }
          case 'L' -> longName = stripNul(readString(ch, data, size));
          case 'K' -> longLink = stripNul(readString(ch, data, size));
          default -> {
            if (longName != null) name = longName;
            if (longLink != null) link = longLink;
            if (pax.containsKey("path")) name = pax.get("path");
            if (pax.containsKey("linkpath")) link = pax.get("linkpath");
            if (pax.containsKey("size")) {
              size = Long.parseLong(pax.get("size"));
              next = data + ((size + 511) / 512) * 512;
            }
            t.entries.put(clean(name), new Entry(clean(name), type, data, size, link));
            longName = null;
            longLink = null;
            pax = Map.of();
          }
        }
        pos = next;
      }
    }
    return t;
  }

  static String clean(String name) {
    String n = name;
    while (n.startsWith("./")) n = n.substring(2);
    while (n.startsWith("/")) n = n.substring(1);
    if (n.endsWith("/")) n = n.substring(0, n.length() - 1);
    return n;
  }

  /** The regular-file entry for a name, following links; null when absent. */
  Entry find(String name) {
    String n = clean(name);
    for (int hops = 0; hops < 16; hops++) {
      Entry e = entries.get(n);
      if (e == null) return null;
      if (e.type == '2') {
        String target = e.link.startsWith("/") ? e.link : (n.contains("/") ? n.substring(0, n.lastIndexOf('/') + 1) : "") + e.link;
        n = normalize(target);
      } else if (e.type == '1') {
        n = clean(e.link);
      } else {
        return e;
      }
    }
    return null;
  }

  private static String normalize(String p) {
    java.util.Deque<String> parts = new java.util.ArrayDeque<>();
    for (String s : p.split("/")) {
      if (s.isEmpty() || s.equals(".")) continue;
      if (s.equals("..")) {
        if (!parts.isEmpty()) parts.removeLast();
      } else {
        parts.addLast(s);
      }
    }
    return String.join("/", parts);
  }

  InputStream open(Entry e, long offset) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(e.offset + offset);
    long limit = e.size - offset;
    InputStream raw = java.nio.channels.Channels.newInputStream(ch);
    return new BoundedInputStream(raw, limit, true);
  }

  byte[] readAll(Entry e) throws IOException {
    if (e.size > 64 << 20) throw new IOException(e.name + " is too large to read into memory (" + e.size + " bytes)");
    try (InputStream in = open(e, 0)) {
      return in.readAllBytes();
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, pos + b.position());
      if (n < 0) throw new IOException("tar file ends in the middle of a header");
    }
  }

  private static String readString(FileChannel ch, long pos, long size) throws IOException {
    if (size > 1 << 20) throw new IOException("tar extended header of " + size + " bytes is too large");
    ByteBuffer b = ByteBuffer.allocate((int) size);
    readFully(ch, b, pos);
    return new String(b.array(), StandardCharsets.UTF_8);
  }

  private static boolean isZero(byte[] h) {
    for (byte b : h) if (b != 0) return false;
    return true;
  }

  private static boolean checksumOk(byte[] h) {
    long want = number(h, 148, 8);
    long sum = 0;
    for (int i = 0; i < 512; i++) sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
    return sum == want;
  }

  static String string(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) end++;
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static String stripNul(String s) {
    int z = s.indexOf('\0');
    return z >= 0 ? s.substring(0, z) : s;
  }

  static long number(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      long v = h[off] & 0x7f;
      for (int i = 1; i < len; i++) v = (v << 8) | (h[off + i] & 0xff);
      return v;
    }
    String s = string(h, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
