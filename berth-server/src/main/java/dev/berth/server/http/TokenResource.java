package dev.berth.server.http;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import dev.berth.server.auth.TokenService;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code /token}: the token endpoint (GET per the Docker token spec, POST per its OAuth2 form). */
public final class TokenResource {
  private final TokenService tokens;

  /** @param tokens null when the registry runs without authentication */
  public TokenResource(TokenService tokens) {
    this.tokens = tokens;
  }

  void handle(Exchange ex, RegistryHandler.Allowed allowed) throws IOException {
    if (tokens == null) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "this registry runs without authentication (--auth none): it issues no tokens and needs none",
          ErrorDetail.reason("auth_disabled"), 404, null);
    }
    boolean post = ex.method().equals("POST");
    Map<String, List<String>> params = new HashMap<>();
    String rawQuery = ex.request().getHttpURI().getQuery();
    parseForm(rawQuery, params);
    if (post) {
      byte[] body = ex.readBodyBytes(64 * 1024, () -> new RegistryException(ErrorCode.UNSUPPORTED, "token request body is larger than 64 KiB",
          ErrorDetail.reason("token_request_too_large"), 413, null));
      parseForm(new String(body, StandardCharsets.UTF_8), params);
    }
    Map<String, Object> response = tokens.handle(ex, post, name -> params.getOrDefault(name, List.of()));
    ex.setHeader("Cache-Control", "no-store");
    ex.sendJson(200, response);
  }

  static void parseForm(String s, Map<String, List<String>> into) {
    if (s == null || s.isEmpty()) return;
    for (String pair : s.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      into.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
  }
}
