package dev.berth.conformance;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Content to push as a blob: its bytes, their sha256 digest, and the media type to describe it with. */
public record Blob(String mediaType, byte[] bytes, String digest) {
  /** The OCI empty descriptor's content ({@code {}}), used as the config of artifacts. */
  public static final Blob EMPTY = of("application/vnd.oci.empty.v1+json", "{}".getBytes(StandardCharsets.UTF_8));

  public static final String EMPTY_DIGEST = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

  static {
    if (!EMPTY.digest().equals(EMPTY_DIGEST)) throw new AssertionError("the empty descriptor digest is wrong: " + EMPTY.digest());
  }

  public static Blob of(String mediaType, byte[] bytes) {
    return new Blob(mediaType, bytes, Digest.sha256(bytes).toString());
  }

  /** {@code size} random bytes, described as an OCI gzip layer (registries do not look inside). */
  public static Blob random(int size) {
    return of("application/vnd.oci.image.layer.v1.tar+gzip", randomBytes(size));
  }

  public static byte[] randomBytes(int size) {
    byte[] b = new byte[size];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  public long size() {
    return bytes.length;
  }

  /** The same content described with another media type. */
  public Blob as(String otherMediaType) {
    return new Blob(otherMediaType, bytes, digest);
  }

  /** {@code {"mediaType":...,"digest":...,"size":...}} */
  public ObjectNode descriptor() {
    return Docs.descriptor(mediaType, digest, size());
  }
}
