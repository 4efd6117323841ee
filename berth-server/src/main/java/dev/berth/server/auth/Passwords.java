package dev.berth.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt for passwords (compatible with htpasswd -B), SHA-256 for high-entropy token secrets. */
public final class Passwords {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  /** bcrypt cost; 10 is htpasswd's default and about 60 ms here. */
  static final int COST = 10;
  /** A hash to compare against when the user does not exist, so timing does not tell (made on first use: bcrypt is slow). */
  private static final class Dummy {
    static final String HASH = hash("not a password".toCharArray());
  }

  private Passwords() {}

  public static String hash(char[] password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return OpenBSDBCrypt.generate("2b", password, salt, COST);
  }

  public static boolean verify(char[] password, String hash) {
    if (hash == null) {
      OpenBSDBCrypt.checkPassword(Dummy.HASH, password);
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(hash, password);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static boolean isBcrypt(String hash) {
    return hash != null && hash.matches("^\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}$");
  }

  /** A random secret of {@code n} characters that are easy to copy (no 0/O/1/l/I). */
  public static String randomSecret(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    return b.toString();
  }

  public static String sha256(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
