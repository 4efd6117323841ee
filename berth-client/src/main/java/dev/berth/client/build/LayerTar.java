package dev.berth.client.build;

import dev.berth.client.layout.BoundedInputStream;
import dev.berth.client.layout.TarHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reproducible layer archives: ustar headers with fixed mtime, no user or group names, PAX records
 * for long names; and a reader for the layers of base images (ustar, PAX, GNU long names).
 */
final class LayerTar {
  private LayerTar() {}

  static final class Writer {
    private final OutputStream out;
    private final long mtime;

    Writer(OutputStream out, long mtime) {
      this.out = out;
      this.mtime = mtime;
    }

    void entry(String name, FsTree.Node n) throws IOException {
      if (n.isDir() && !name.endsWith("/")) name = name + "/";
      String link = n.type() == '2' ? n.link() : "";
      long size = n.type() == '0' ? n.size() : 0;
      Map<String, String> pax = new java.util.TreeMap<>();
      if (name.getBytes(StandardCharsets.UTF_8).length > 100 || !ascii(name)) pax.put("path", name);
      if (link.getBytes(StandardCharsets.UTF_8).length > 100 || !ascii(link)) pax.put("linkpath", link);
      if (!pax.isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (var e : pax.entrySet()) sb.append(record(e.getKey(), e.getValue()));
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        header("././@PaxHeader", 'x', body.length, 0644, 0, 0, "");
        out.write(body);
        pad(body.length);
        name = truncate(name);
        link = truncate(link);
      }
      header(name, n.type(), size, n.mode(), n.uid(), n.gid(), link);
      if (size > 0) {
        try (InputStream in = n.content().open()) {
          long copied = in.transferTo(out);
          if (copied != size) throw new IOException(name + " changed while the layer was written (" + size + " bytes expected, " + copied + " read)");
        }
        pad(size);
      }
    }

    void finish() throws IOException {
      out.write(new byte[1024]);
      out.flush();
    }

    private static String record(String key, String value) {
      String rest = " " + key + "=" + value + "\n";
      int len = rest.getBytes(StandardCharsets.UTF_8).length;
      int total = len + String.valueOf(len).length();
      if (String.valueOf(total).length() != String.valueOf(len).length()) total++;
      return total + rest;
    }

    private static boolean ascii(String s) {
      for (int i = 0; i < s.length(); i++) if (s.charAt(i) > 127) return false;
      return true;
    }

    private static String truncate(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return b.length <= 100 && ascii(s) ? s : new String(b, 0, 100, StandardCharsets.US_ASCII).replaceAll("[^\\x20-\\x7e]", "_");
    }

    private void pad(long size) throws IOException {
      TarHeaders.pad(out, size);
    }

    private void header(String name, char type, long size, int mode, int uid, int gid, String link) throws IOException {
      TarHeaders.write(out, name, type, size, mode, uid, gid, mtime, link);
    }
  }

  /** One entry of a layer being read; {@code data} is positioned at its content. */
  record Entry(String name, char type, int mode, int uid, int gid, long size, String link) {}

  interface Visitor {
    void entry(Entry e, InputStream data) throws IOException;
  }

  /** Reads a tar stream, calling the visitor for each file, directory, symlink and hard link. */
  static void read(InputStream in, Visitor v) throws IOException {
    byte[] h = new byte[512];
    String longName = null;
    String longLink = null;
    Map<String, String> pax = new HashMap<>();
    while (true) {
      if (in.readNBytes(h, 0, 512) < 512) return;
      boolean zero = true;
      for (byte b : h) if (b != 0) { zero = false; break; }
      if (zero) return;
      String name = str(h, 0, 100);
      String prefix = str(h, 345, 155);
      if (!prefix.isEmpty() && "ustar".equals(str(h, 257, 5))) name = prefix + "/" + name;
      char type = (char) (h[156] == 0 ? '0' : h[156]);
      long size = num(h, 124, 12);
      String link = str(h, 157, 100);
      if (type == 'x' || type == 'L' || type == 'K' || type == 'g') {
        byte[] body = in.readNBytes((int) size);
        skipPad(in, size);
        String s = new String(body, StandardCharsets.UTF_8);
        if (type == 'x') pax = TarHeaders.parsePax(s);
        else if (type == 'L') longName = s.replace("\0", "");
        else if (type == 'K') longLink = s.replace("\0", "");
        continue;
      }
      if (longName != null) name = longName;
      if (longLink != null) link = longLink;
      if (pax.containsKey("path")) name = pax.get("path");
      if (pax.containsKey("linkpath")) link = pax.get("linkpath");
      if (pax.containsKey("size")) size = Long.parseLong(pax.get("size"));
      longName = null;
      longLink = null;
      pax = new HashMap<>();
      if (type == '7') type = '0';
      long dataSize = type == '0' ? size : (type == '1' || type == '2' || type == '5') ? 0 : size; // devices and fifos are skipped
      Entry e = new Entry(name, type, (int) num(h, 100, 8), (int) num(h, 108, 8), (int) num(h, 116, 8), dataSize, link);
      BoundedInputStream data = new BoundedInputStream(in, dataSize, false);
      if (type == '0' || type == '5' || type == '2' || type == '1') v.entry(e, data);
      data.skipRest();
      skipPad(in, dataSize);
    }
  }

  private static void skipPad(InputStream in, long size) throws IOException {
    int rem = (int) (size % 512);
    if (rem != 0) in.skipNBytes(512 - rem);
  }

  private static String str(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) end++;
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long num(byte[] h, int off, int len) {
    if ((h[off] & 0x80) != 0) {
      long v = 0;
      for (int i = off + 1; i < off + len; i++) v = (v << 8) | (h[i] & 0xff);
      return v;
    }
    String s = str(h, off, len).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

}
