package dev.berth.it;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a tar stream into a map of entry name to content, for checking what a pulled layer holds.
 * Understands ustar, GNU long names and PAX path records (what Jib and docker write). Entries are
 * named without a leading "./" or "/"; directories end in "/"; a symlink's content is "-> target".
 */
final class TarReader {
  private TarReader() {}

  static Map<String, byte[]> read(InputStream in) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String longName = null;
    while (true) {
      byte[] h = in.readNBytes(512);
      if (h.length < 512) {
        throw new EOFException("tar ended inside a header (" + h.length + " bytes)");
      }
      if (isZero(h)) {
        return entries;
      }
      String name = string(h, 0, 100);
      String prefix = string(h, 345, 155);
      if (!prefix.isEmpty() && h[257] == 'u') {
        name = prefix + "/" + name;
      }
      long size = number(h, 124, 12);
      char type = (char) h[156];
      String link = string(h, 157, 100);
      byte[] data = in.readNBytes((int) size);
      if (data.length != size) {
        throw new EOFException("tar entry " + name + " is cut short");
      }
      in.skipNBytes((512 - size % 512) % 512);
      switch (type) {
        case 'L' -> longName = string(data, 0, data.length);
        case 'x' -> longName = paxPath(data, longName);
        case 'g' -> { /* global PAX header: nothing we need */ }
        default -> {
          if (longName != null) {
            name = longName;
            longName = null;
          }
          name = normalize(name);
          if (type == '5' && !name.endsWith("/")) {
            name += "/";
          }
          entries.put(name, type == '2' ? ("-> " + link).getBytes(StandardCharsets.UTF_8) : data);
        }
      }
    }
  }

  private static String normalize(String name) {
    while (name.startsWith("./") || name.startsWith("/")) {
      name = name.startsWith("./") ? name.substring(2) : name.substring(1);
    }
    return name;
  }

  private static String paxPath(byte[] data, String current) {
    String records = new String(data, StandardCharsets.UTF_8);
    for (String rec : records.split("\n")) {
      int sp = rec.indexOf(' ');
      int eq = rec.indexOf('=');
      if (sp > 0 && eq > sp && rec.substring(sp + 1, eq).equals("path")) {
        return rec.substring(eq + 1);
      }
    }
    return current;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }

  private static long number(byte[] b, int off, int len) {
    if ((b[off] & 0x80) != 0) { // base-256, for sizes over 8 GiB
      long v = b[off] & 0x7f;
      for (int i = off + 1; i < off + len; i++) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    String s = string(b, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }
}
