package dev.berth.client;

import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.oci.Reference;
import dev.berth.oci.Tag;
import java.nio.file.Path;

/**
 * Where an image is, as users write it (skopeo's transport names):
 *
 * <ul>
 *   <li>{@code [docker://]REGISTRY/REPO[:TAG][@DIGEST]}: a registry, with docker's naming rules
 *       ({@code docker.io} by default, {@code library/} for single names, {@code latest} without
 *       a tag);
 *   <li>{@code oci:DIR[:TAG]}: an OCI image layout directory;
 *   <li>{@code docker-archive:FILE[:REF|:@N]}: a {@code docker save} tarball.
 * </ul>
 */
public sealed interface Location {
  record Registry(Reference reference) implements Location {
    @Override
    public String toString() {
      return reference.toString();
    }
  }

  record OciLayout(Path dir, String tag) implements Location {
    @Override
    public String toString() {
      return "oci:" + dir + (tag == null ? "" : ":" + tag);
    }
  }

  record DockerArchive(Path file, String reference) implements Location {
    @Override
    public String toString() {
      return "docker-archive:" + file + (reference == null ? "" : ":" + reference);
    }
  }

  static Location parse(String s) {
    if (s.startsWith("oci:")) {
      String rest = s.substring(4);
      int colon = rest.lastIndexOf(':');
      if (colon > 0 && rest.indexOf('/', colon) < 0 && Tag.isValid(rest.substring(colon + 1))) {
        return new OciLayout(Path.of(rest.substring(0, colon)), rest.substring(colon + 1));
      }
      if (rest.isEmpty()) throw usage(s, "oci: needs a directory, as in oci:./image:1.0");
      return new OciLayout(Path.of(rest), null);
    }
    if (s.startsWith("docker-archive:")) {
      String rest = s.substring("docker-archive:".length());
      if (rest.isEmpty()) throw usage(s, "docker-archive: needs a file, as in docker-archive:image.tar");
      int colon = rest.indexOf(':');
      if (colon > 0) {
        String ref = rest.substring(colon + 1);
        return new DockerArchive(Path.of(rest.substring(0, colon)), ref.isEmpty() ? null : ref);
      }
      return new DockerArchive(Path.of(rest), null);
    }
    String ref = s.startsWith("docker://") ? s.substring("docker://".length()) : s;
    try {
      return new Registry(Reference.parse(ref));
    } catch (IllegalArgumentException e) {
      throw usage(s, e.getMessage());
    }
  }

  private static ClientException usage(String s, String why) {
    return ClientException.of(Category.USAGE, "understand \"" + s + "\"", why,
        "write REGISTRY/REPO[:TAG][@DIGEST], oci:DIR[:TAG] or docker-archive:FILE[:REF]");
  }
}
