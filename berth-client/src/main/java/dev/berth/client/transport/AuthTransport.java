package dev.berth.client.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.auth.Credential;
import dev.berth.client.auth.Keychain;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Answers registry auth challenges, the way docker does:
 *
 * <ol>
 *   <li>Send the request, with an Authorization header when this registry's challenge is already
 *       known (so that only the first request of a run pays for a 401).
 *   <li>On 401, read {@code WWW-Authenticate}. {@code Basic}: send the credential from the keychain.
 *       {@code Bearer realm=…,service=…,scope=…}: fetch a token from the realm with
 *       {@code GET ?service=&scope=&account=} and Basic credentials (anonymous when there are
 *       none); with an identity token, or when the realm refuses GET, use the OAuth2 form
 *       {@code POST} ({@code grant_type=refresh_token} or {@code password}).
 *   <li>Tokens are cached per realm, service, scope set and user until just before
 *       {@code expires_in} runs out. An {@code insufficient_scope} 401 widens the scope set and
 *       fetches once more; a second 401 is returned to the caller, who reports it.
 * </ol>
 *
 * The scopes a transport asks for are fixed when it is built (pull for a source, pull+push for a
 * destination, plus pull on a mount's source repository).
 */
public final class AuthTransport implements Transport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);
  private static final Duration EXPIRY_MARGIN = Duration.ofSeconds(10);

  private final Transport next;
  private final Transport tokenTransport;
  private final String registry;
  private final Keychain keychain;
  private final Set<String> scopes;
  private final AuthCache cache;

  public AuthTransport(Transport next, Transport tokenTransport, String registry, Keychain keychain,
      Set<String> scopes, AuthCache cache) {
    this.next = next;
    this.tokenTransport = tokenTransport;
    this.registry = registry;
    this.keychain = keychain;
    this.scopes = new TreeSet<>(scopes);
    this.cache = cache;
  }

  private Optional<Credential> credential() {
    return cache.credential(registry, keychain::resolve);
  }

  @Override
  public HttpResponse<InputStream> send(HttpRequest request) throws IOException {
    Set<String> wanted = new TreeSet<>(scopes);
    Challenge known = cache.challenge(registry);
    String header = known == null ? null : authorization(known, wanted, false);
    HttpResponse<InputStream> r = next.send(with(request, header));
    if (r.statusCode() != 401) return r;
    Optional<Challenge> c = Challenge.pick(r.headers().allValues("WWW-Authenticate"));
    if (c.isEmpty()) return r;
    Challenge challenge = c.get();
    cache.learn(registry, challenge);
    String scopeParam = challenge.param("scope");
    if (scopeParam != null) wanted.addAll(Arrays.asList(scopeParam.trim().split("\\s+")));
    boolean hadBearer = header != null && header.startsWith("Bearer ");
    if (challenge.isBasic() && (credential().isEmpty() || header != null)) return r;
    String retryHeader = authorization(challenge, wanted, hadBearer);
    if (retryHeader == null || retryHeader.equals(header)) return r;
    Transport.discard(r);
    return next.send(with(request, retryHeader));
  }

  private static HttpRequest with(HttpRequest request, String header) {
    if (header == null) return request;
    return HttpRequest.newBuilder(request, (n, v) -> !n.equalsIgnoreCase("Authorization"))
        .header("Authorization", header).build();
  }

  private String authorization(Challenge c, Set<String> wanted, boolean refresh) throws IOException {
    if (c.isBasic()) {
      return credential().filter(cr -> cr.username() != null).map(Credential::basicHeader).orElse(null);
    }
    if (!c.isBearer()) return null;
    Optional<Credential> cred = credential();
    String key = registry + "|" + c.param("realm") + "|" + c.param("service") + "|" + String.join(" ", wanted)
        + "|" + cred.map(Credential::username).orElse("");
    if (refresh) cache.forget(key);
    AuthCache.Token t = cache.token(key);
    if (t == null) {
      t = fetchToken(c, wanted, cred);
      cache.put(key, t);
    }
    return "Bearer " + t.value();
  }

  private AuthCache.Token fetchToken(Challenge c, Set<String> wanted, Optional<Credential> cred) throws IOException {
    String realm = c.param("realm");
    if (realm == null || realm.isEmpty()) {
      throw ClientException.of(Category.AUTH, "authenticate to " + registry,
          "the registry asked for a bearer token but its WWW-Authenticate header names no realm", "report this to the registry's admin");
    }
    String service = c.param("service");
    boolean identity = cred.map(Credential::hasIdentityToken).orElse(false);
    HttpResponse<InputStream> r;
    if (identity) {
      r = postForm(realm, service, wanted, cred.get(), true);
    } else {
      r = get(realm, service, wanted, cred);
      if ((r.statusCode() == 404 || r.statusCode() == 405) && cred.isPresent() && cred.get().password() != null) {
        Transport.discard(r);
        r = postForm(realm, service, wanted, cred.get(), false);
      }
    }
    if (r.statusCode() / 100 != 2) {
      ClientException e = RegistryErrors.fromResponse("get a token for " + registry + " from " + realm, r, registry);
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        String who = cred.map(cr -> "the credentials of \"" + (cr.username() == null ? "identity token" : cr.username()) + "\" (from " + cr.source() + ")")
            .orElse("anonymous access");
        throw ClientException.builder(Category.AUTH, "get a token for " + registry)
            .why("the token service refused " + who + ": " + e.why())
            .code(e.registryCode()).status(e.status()).requestId(e.requestId())
            .remedy(cred.isPresent() ? "check the password or token, then log in again: berth login " + registry
                : "log in first: berth login " + registry + " (or set BERTH_REGISTRY_USER/BERTH_REGISTRY_PASSWORD)")
            .build();
      }
      throw e;
    }
    JsonNode n;
    try (InputStream in = r.body()) {
      n = JSON.readTree(in.readNBytes(1 << 20));
    }
    String token = n.path("token").asText("");
    if (token.isEmpty()) token = n.path("access_token").asText("");
    if (token.isEmpty()) {
      throw ClientException.of(Category.AUTH, "get a token for " + registry + " from " + realm,
          "the token service answered without \"token\" or \"access_token\"", "report this to the registry's admin");
    }
    long expiresIn = n.path("expires_in").asLong(DEFAULT_TOKEN_LIFETIME.toSeconds());
    if (expiresIn <= 0) expiresIn = DEFAULT_TOKEN_LIFETIME.toSeconds();
    Instant expires = Instant.now().plusSeconds(expiresIn).minus(EXPIRY_MARGIN.compareTo(Duration.ofSeconds(expiresIn / 2)) < 0 ? EXPIRY_MARGIN : Duration.ZERO);
    return new AuthCache.Token(token, expires);
  }

  private HttpResponse<InputStream> get(String realm, String service, Set<String> wanted, Optional<Credential> cred) throws IOException {
    List<String> q = new ArrayList<>();
    if (service != null) q.add("service=" + enc(service));
    for (String s : wanted) q.add("scope=" + enc(s));
    cred.filter(cr -> cr.username() != null).ifPresent(cr -> q.add("account=" + enc(cr.username())));
    URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + String.join("&", q));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(60));
    cred.filter(cr -> cr.username() != null).ifPresent(cr -> b.header("Authorization", cr.basicHeader()));
    return tokenTransport.send(b.build());
  }

  private HttpResponse<InputStream> postForm(String realm, String service, Set<String> wanted, Credential cred, boolean refresh) throws IOException {
    List<String> f = new ArrayList<>();
    if (refresh) {
      f.add("grant_type=refresh_token");
      f.add("refresh_token=" + enc(cred.identityToken()));
    } else {
      f.add("grant_type=password");
      f.add("username=" + enc(cred.username()));
      f.add("password=" + enc(cred.password()));
    }
    if (service != null) f.add("service=" + enc(service));
    f.add("scope=" + enc(String.join(" ", wanted)));
    f.add("client_id=berth");
    f.add("access_type=offline");
    HttpRequest req = HttpRequest.newBuilder(URI.create(realm)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(String.join("&", f))).build();
    return tokenTransport.send(req);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
