package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal, deterministic ustar writer (directories, regular files, symlinks; owner root, fixed
 * mtime), enough for image layers and a docker-import rootfs. Content is streamed: a 200 MiB
 * file goes through without being held in memory.
 */
final class TarWriter implements AutoCloseable {
  /** 2024-01-01T00:00:00Z: fixed so that the same input always gives the same layer digest. */
  static final long MTIME = 1_704_067_200L;

  private static final int BLOCK = 512;
  private final OutputStream out;
  private boolean finished;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /** A callback that writes exactly the declared number of bytes. */
  interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  TarWriter directory(String name) throws IOException {
    header(name.endsWith("/") ? name : name + "/", 0755, 0, '5', "");
    return this;
  }

  TarWriter symlink(String name, String target) throws IOException {
    header(name, 0777, 0, '2', target);
    return this;
  }

  TarWriter file(String name, int mode, byte[] data) throws IOException {
    return file(name, mode, data.length, o -> o.write(data));
  }

  TarWriter file(String name, int mode, Path source) throws IOException {
    long size = Files.size(source);
    return file(name, mode, size, o -> {
      try (InputStream in = Files.newInputStream(source)) {
        in.transferTo(o);
      }
    });
  }

  TarWriter file(String name, int mode, long size, Content content) throws IOException {
    header(name, mode, size, '0', "");
    CountingOutputStream counting = new CountingOutputStream(out);
    content.writeTo(counting);
    if (counting.count != size) {
      throw new IOException("tar entry " + name + " declared " + size + " bytes but " + counting.count + " were written");
    }
    pad(size);
    return this;
  }

  /** Writes the end-of-archive marker (two zero blocks); does not close the underlying stream. */
  void finish() throws IOException {
    if (!finished) {
      out.write(new byte[2 * BLOCK]);
      out.flush();
      finished = true;
    }
  }

  @Override
  public void close() throws IOException {
    finish();
  }

  private void header(String name, int mode, long size, char type, String linkName) throws IOException {
    byte[] h = new byte[BLOCK];
    byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
    if (nameBytes.length > 100) {
      throw new IOException("tar name longer than 100 bytes is not supported here: " + name);
    }
    System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
    octal(h, 100, 8, mode);
    octal(h, 108, 8, 0); // uid
    octal(h, 116, 8, 0); // gid
    octal(h, 124, 12, size);
    octal(h, 136, 12, MTIME);
    h[156] = (byte) type;
    byte[] link = linkName.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(link, 0, h, 157, link.length);
    System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
    h[263] = '0';
    h[264] = '0';
    byte[] root = "root".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(root, 0, h, 265, root.length); // uname
    System.arraycopy(root, 0, h, 297, root.length); // gname
    // checksum: computed with the checksum field set to spaces
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    String chk = String.format("%06o", sum);
    System.arraycopy(chk.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
    h[154] = 0;
    h[155] = ' ';
    out.write(h);
  }

  private static void octal(byte[] h, int offset, int length, long value) {
    String s = Long.toOctalString(value);
    if (s.length() > length - 1) {
      throw new IllegalArgumentException("value too large for tar header field: " + value);
    }
    String padded = "0".repeat(length - 1 - s.length()) + s;
    System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
    h[offset + length - 1] = 0;
  }

  private void pad(long size) throws IOException {
    int rest = (int) (size % BLOCK);
    if (rest != 0) {
      out.write(new byte[BLOCK - rest]);
    }
  }

  private static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
