package dev.berth.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A base image without the internet: {@code docker import} of a root filesystem made of Debian's
 * statically linked busybox ({@code busybox-static}) and a few applet symlinks.
 */
final class BusyboxImage {
  static final String BUSYBOX = "/usr/bin/busybox";
  static final String NAME = "berth-it/busybox:1";
  static final List<String> APPLETS = List.of("sh", "echo", "cat", "ls", "true", "false", "env", "sleep", "printf", "sha256sum");

  private BusyboxImage() {}

  /** Makes sure the engine has {@link #NAME}, importing it if a test removed it; returns its id. */
  static synchronized String ensure(DockerEngine engine) {
    Requirements.executable(BUSYBOX, "busybox-static", "the busybox base image");
    if (!engine.hasImage(NAME)) {
      Path dir = engine.workDir("rootfs");
      Path tar = dir.resolve("rootfs.tar");
      writeRootfs(tar);
      engine.dockerOk("import", tar.toString(), NAME);
    }
    return engine.dockerOk("image", "inspect", "--format", "{{.Id}}", NAME).stdout().strip();
  }

  static void writeRootfs(Path tar) {
    try (OutputStream out = Files.newOutputStream(tar); TarWriter w = new TarWriter(out)) {
      w.directory("bin").directory("tmp").directory("etc");
      w.file("bin/busybox", 0755, Path.of(BUSYBOX));
      for (String applet : APPLETS) {
        w.symlink("bin/" + applet, "busybox");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
