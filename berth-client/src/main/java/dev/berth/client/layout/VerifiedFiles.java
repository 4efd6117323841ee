package dev.berth.client.layout;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.BlobSource;
import dev.berth.client.image.Progress;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.io.DigestingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes content into a file only once it is verified: bytes are hashed and counted while they
 * stream into a temporary file beside the target (never more than the declared size), and only
 * when digest and size match is the file synced and renamed into place. A failure leaves nothing
 * behind.
 */
public final class VerifiedFiles {
  private static final int BUFFER = 1 << 20;

  private VerifiedFiles() {}

  public static void write(Descriptor d, BlobSource source, Path target, Progress progress, String what) {
    try {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".tmp-", ".partial");
      try {
        DigestingInputStream in;
        try (InputStream raw = source.open(0)) {
          in = new DigestingInputStream(raw, d.digest().algorithm(), d.size());
          try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
              OutputStream out = Channels.newOutputStream(ch)) {
            byte[] buf = new byte[BUFFER];
            long done = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
              out.write(buf, 0, n);
              done += n;
              progress.blobProgress(d, done);
            }
            out.flush();
            ch.force(true);
          }
        } catch (DigestingInputStream.SizeLimitExceededException e) {
          throw ClientException.of(Category.INTEGRITY, what, "more than the declared " + d.size() + " bytes arrived for " + d.digest(),
              "the source does not match its manifest; it is corrupt");
        }
        if (in.count() != d.size()) {
          throw ClientException.of(Category.INTEGRITY, what, "got " + in.count() + " bytes for " + d.digest() + ", the manifest declares " + d.size(),
              "retry; if it persists the source is corrupt");
        }
        Digest got = in.digest();
        if (!got.equals(d.digest())) {
          throw ClientException.of(Category.INTEGRITY, what, "the content hashes to " + got + ", not " + d.digest(),
              "retry; if it persists the source is corrupt");
        }
        move(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw ClientException.builder(Category.LOCAL_IO, what).why(e.toString()).cause(e)
          .remedy("check free space and permissions of " + target.getParent()).build();
    }
  }

  public static void writeBytes(byte[] bytes, Path target) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tmp-", ".partial");
    try {
      Files.write(tmp, bytes);
      move(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Opens a file at an offset. */
  public static InputStream open(Path file, long offset) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(offset);
    return Channels.newInputStream(ch);
  }
}
