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
    TarHeaders.pad(out, size);
  }

  private void header(String name, char type, long size, int mode) throws IOException {
    if (name.getBytes(StandardCharsets.UTF_8).length > 100) throw new IOException("tar entry name too long: " + name);
    TarHeaders.write(out, name, type, size, mode, 0, 0, 0, "");
  }

  @Override
  public void close() throws IOException {
    out.write(new byte[1024]);
    out.flush();
  }
}
