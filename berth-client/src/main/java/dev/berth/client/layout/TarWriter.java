package dev.berth.client.layout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes a ustar archive of regular files and directories (sizes above 8 GiB in base-256). */
final class TarWriter implements AutoCloseable {
  private final OutputStream out;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  void directory(String name) throws IOException {
    header(name.endsWith("/") ? name : name + "/", '5', 0, 0755);
  }

  void file(String name, byte[] content) throws IOException {
    header(name, '0', content.length, 0644);
    out.write(content);
    pad(content.length);
  }

  void file(String name, long size, InputStream content) throws IOException {
    header(name, '0', size, 0644);
    long copied = content.transferTo(out);
    if (copied != size) throw new IOException(name + ": expected " + size + " bytes, got " + copied);
    pad(size);
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % 512);
    if (rem != 0) out.write(new byte[512 - rem]);
  }

  private void header(String name, char type, long size, int mode) throws IOException {
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) throw new IOException("tar entry name too long: " + name);
    byte[] h = new byte[512];
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    if (size < 077777777777L) {
      octal(h, 124, 12, size);
    } else {
      h[124] = (byte) 0x80;
      for (int i = 0; i < 8; i++) h[135 - i] = (byte) (size >>> (8 * i));
    }
    octal(h, 136, 12, 0);
    h[156] = (byte) type;
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

  private static void octal(byte[] h, int off, int len, long v) {
    String s = Long.toOctalString(v);
    while (s.length() < len - 1) s = "0" + s;
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, len - 1);
    h[off + len - 1] = 0;
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[1024]);
    out.flush();
  }
}
