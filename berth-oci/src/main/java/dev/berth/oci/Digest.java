package dev.berth.oci;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:encoded}, parsed and validated once. sha256 and sha512 are
 * supported; other algorithms that follow the grammar are recognised but refused as UNSUPPORTED,
 * and anything that does not follow the grammar is DIGEST_INVALID. Each refusal says why.
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Pattern ALGORITHM = Pattern.compile("[a-z0-9]+(?:[+._-][a-z0-9]+)*");
  private static final Pattern ENCODED = Pattern.compile("[a-zA-Z0-9=_-]+");
  private static final Pattern LOWER_HEX = Pattern.compile("[a-f0-9]+");

  public static final String SHA256 = "sha256";
  public static final String SHA512 = "sha512";

  public Digest {
    if (!SHA256.equals(algorithm) && !SHA512.equals(algorithm)) {
      throw new IllegalArgumentException("unsupported digest algorithm " + algorithm);
    }
    if (hex.length() != hexLength(algorithm) || !LOWER_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("bad " + algorithm + " hex");
    }
  }

  /**
   * Parses a digest, throwing a {@link RegistryException} (DIGEST_INVALID or UNSUPPORTED) whose
   * message says exactly what is wrong with it.
   */
  public static Digest parse(String s) {
    if (s == null || s.isEmpty()) {
      throw invalid(s, "the digest is empty; expected algorithm:hex such as sha256:<64 hex digits>");
    }
    int colon = s.indexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw invalid(s, "a digest is algorithm:hex, such as sha256:<64 hex digits>");
    }
    String alg = s.substring(0, colon);
    String enc = s.substring(colon + 1);
    if (!ALGORITHM.matcher(alg).matches() || !ENCODED.matcher(enc).matches()) {
      throw invalid(s, "it does not follow the digest grammar algorithm:encoded ([a-z0-9] algorithm, [a-zA-Z0-9=_-] encoded)");
    }
    if (!SHA256.equals(alg) && !SHA512.equals(alg)) {
      throw new RegistryException(
          ErrorCode.UNSUPPORTED,
          "digest algorithm \"" + alg + "\" is not supported by this registry; use sha256 (or sha512)",
          ErrorDetail.reason("digest_algorithm_unsupported").with("digest", s).with("supported", java.util.List.of(SHA256, SHA512)),
          400, null);
    }
    int want = hexLength(alg);
    if (enc.length() != want) {
      throw invalid(s, alg + " digests have " + want + " hex digits, this one has " + enc.length());
    }
    if (!LOWER_HEX.matcher(enc).matches()) {
      throw invalid(s, alg + " digests are lowercase hex [a-f0-9]");
    }
    return new Digest(alg, enc);
  }

  /** Like {@link #parse} but returns null instead of throwing. */
  public static Digest tryParse(String s) {
    try {
      return parse(s);
    } catch (RegistryException e) {
      return null;
    }
  }

  public static boolean looksLikeDigest(String s) {
    return s != null && s.indexOf(':') > 0;
  }

  private static RegistryException invalid(String s, String why) {
    return new RegistryException(
        ErrorCode.DIGEST_INVALID,
        "invalid digest \"" + abbreviate(s) + "\": " + why,
        ErrorDetail.reason("digest_malformed").with("digest", abbreviate(s)));
  }

  private static String abbreviate(String s) {
    if (s == null) return "";
    return s.length() > 140 ? s.substring(0, 140) + "…" : s;
  }

  public static int hexLength(String algorithm) {
    return SHA512.equals(algorithm) ? 128 : 64;
  }

  public static String javaAlgorithm(String algorithm) {
    return SHA512.equals(algorithm) ? "SHA-512" : "SHA-256";
  }

  public MessageDigest newMessageDigest() {
    return newMessageDigest(algorithm);
  }

  public static MessageDigest newMessageDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(javaAlgorithm(algorithm));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Digest sha256(byte[] content) {
    return new Digest(SHA256, HexFormat.of().formatHex(newMessageDigest(SHA256).digest(content)));
  }

  public static Digest of(String algorithm, byte[] content) {
    return new Digest(algorithm, HexFormat.of().formatHex(newMessageDigest(algorithm).digest(content)));
  }

  public static Digest fromMessageDigest(String algorithm, MessageDigest md) {
    return new Digest(algorithm, HexFormat.of().formatHex(md.digest()));
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }
}
