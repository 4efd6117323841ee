package dev.berth.client.image;

import dev.berth.oci.Descriptor;
import java.util.Locale;

/**
 * A platform filter as users type it: {@code os/arch[/variant]}, e.g. {@code linux/arm64/v8}.
 * A filter without a variant matches every variant.
 */
public record Platform(String os, String architecture, String variant) {
  public static Platform parse(String s) {
    String[] p = s.trim().toLowerCase(Locale.ROOT).split("/");
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
      throw new IllegalArgumentException("platform \"" + s + "\" is not os/arch[/variant], e.g. linux/amd64 or linux/arm64/v8");
    }
    return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
  }

  /** The platform this JVM runs on, in OCI names. */
  public static Platform current() {
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    arch = switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> arch;
    };
    return new Platform("linux", arch, null);
  }

  public boolean matches(Descriptor.Platform p) {
    if (p == null) return false;
    if (!os.equals(p.os()) || !architecture.equals(p.architecture())) return false;
    return variant == null || variant.equals(p.variant());
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
