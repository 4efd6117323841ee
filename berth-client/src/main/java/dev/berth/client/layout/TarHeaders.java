package dev.berth.client.layout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** ustar headers and padding, as both the docker-archive writer and the image builder write them. */
public final class TarHeaders {
  private TarHeaders() {}

  /**
   * Writes one 512-byte ustar header. Sizes of 8 GiB and more use the base-256 form. {@code name}
   * and {@code link} must fit their 100-byte fields (long names go in a PAX header before).
   */
  public static void write(OutputStream out, String name, char type, long size, int mode, int uid, int gid, long mtime, String link)
      throws IOException {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    octal(h, 100, 8, mode & 07777);
    octal(h, 108, 8, uid);
    octal(h, 116, 8, gid);
    if (size < 077777777777L) {
      octal(h, 124, 12, size);
    } else {
      h[124] = (byte) 0x80;
      for (int i = 0; i < 8; i++) h[135 - i] = (byte) (size >>> (8 * i));
    }
    octal(h, 136, 12, mtime);
    h[156] = (byte) type;
    put(h, 157, 100, link == null ? "" : link);
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    for (int i = 148; i < 156; i++) h[i] = ' ';
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    octal(h, 148, 7, sum);
    h[155] = ' ';
    out.write(h);
  }

  /** Zero bytes up to the next 512-byte boundary after {@code size} bytes of content. */
  public static void pad(OutputStream out, long size) throws IOException {
    int rem = (int) (size % 512);
    if (rem != 0) out.write(new byte[512 - rem]);
  }

  /** The records of a PAX extended header ({@code "LEN key=value\n"}…), e.g. {@code path}, {@code size}. */
  public static java.util.Map<String, String> parsePax(String s) {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    int i = 0;
    while (i < bytes.length) {
      int sp = i;
      while (sp < bytes.length && bytes[sp] != ' ') sp++;
      if (sp >= bytes.length) break;
      int len = Integer.parseInt(new String(bytes, i, sp - i, StandardCharsets.US_ASCII));
      String rec = new String(bytes, sp + 1, len - (sp - i) - 2, StandardCharsets.UTF_8);
      int eq = rec.indexOf('=');
      if (eq > 0) m.put(rec.substring(0, eq), rec.substring(eq + 1));
      i += len;
    }
    return m;
  }

  private static void put(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    while (s.length() < len - 1) s = "0" + s;
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }
}
