package dev.berth.client.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A login for one registry: a user name and password, or an identity token (an OAuth2 refresh
 * token, which docker stores as {@code identitytoken} and helpers return with the user name
 * {@code <token>}). {@link #toString()} never shows the secret.
 *
 * @param source where the credential came from (for messages: "config.json", "helper
 *     docker-credential-pass", "env BERTH_REGISTRY_USER"), never the secret
 */
public record Credential(String username, String password, String identityToken, String source) {
  public static final String TOKEN_USER = "<token>";

  public static Credential basic(String username, String password, String source) {
    return new Credential(username, password, null, source);
  }

  public boolean hasIdentityToken() {
    return identityToken != null && !identityToken.isEmpty();
  }

  /** {@code Basic base64(user:password)} for the Authorization header. */
  public String basicHeader() {
    return "Basic " + base64(username + ":" + (password == null ? "" : password));
  }

  static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credential[" + username + " from " + source + "]";
  }
}
