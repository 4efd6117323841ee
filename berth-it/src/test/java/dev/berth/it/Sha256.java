package dev.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the registry's {@code sha256:<hex>} form. */
final class Sha256 {
  private Sha256() {}

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String format(MessageDigest md) {
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }

  static String of(byte[] data) {
    MessageDigest md = newDigest();
    md.update(data);
    return format(md);
  }

  static String of(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return of(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String of(InputStream in) throws IOException {
    MessageDigest md = newDigest();
    byte[] buf = new byte[1 << 20];
    int n;
    while ((n = in.read(buf)) > 0) {
      md.update(buf, 0, n);
    }
    return format(md);
  }

  /** The hex part of {@code sha256:<hex>}, checked to be a well-formed sha256 digest. */
  static String hex(String digest) {
    if (!digest.matches("sha256:[a-f0-9]{64}")) {
      throw new AssertionError("not a sha256 digest: " + digest);
    }
    return digest.substring("sha256:".length());
  }
}
