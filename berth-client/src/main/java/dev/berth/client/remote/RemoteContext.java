package dev.berth.client.remote;

import dev.berth.client.auth.Keychain;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.transport.AuthCache;
import dev.berth.client.transport.AuthTransport;
import dev.berth.client.transport.HttpTransport;
import dev.berth.client.transport.RegistryErrors;
import dev.berth.client.transport.RetryPolicy;
import dev.berth.client.transport.RetryTransport;
import dev.berth.client.transport.Transport;
import dev.berth.client.transport.UserAgentTransport;
import dev.berth.oci.RepositoryName;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every registry call of one client shares: the JDK HttpClient, the keychain, the auth
 * cache, the retry policy, the upload chunk size, and which scheme each registry speaks.
 *
 * <p>Scheme: HTTPS, except for registries named insecure and for loopback hosts
 * ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), which are tried over HTTPS first and then
 * over plain HTTP, as docker does.
 */
public final class RemoteContext {
  private final HttpTransport http;
  private final String userAgent;
  private final Keychain keychain;
  private final RetryPolicy retry;
  private final AuthCache authCache = new AuthCache();
  private final Set<String> insecure;
  private final long chunkSize;
  private final Map<String, URI> bases = new ConcurrentHashMap<>();

  public RemoteContext(Keychain keychain, String userAgent, RetryPolicy retry, Set<String> insecureRegistries, long chunkSize) {
    this.http = HttpTransport.create(Duration.ofSeconds(30));
    this.userAgent = userAgent;
    this.keychain = keychain;
    this.retry = retry;
    this.insecure = Set.copyOf(insecureRegistries);
    if (chunkSize < 1024) throw new IllegalArgumentException("chunk size must be at least 1024 bytes, got " + chunkSize);
    this.chunkSize = chunkSize;
  }

  public long chunkSize() {
    return chunkSize;
  }

  public AuthCache authCache() {
    return authCache;
  }

  public Keychain keychain() {
    return keychain;
  }

  /** Transport without authentication (token endpoints, ping). */
  Transport plain(boolean retrying) {
    Transport t = http;
    if (retrying) t = new RetryTransport(t, retry);
    return new UserAgentTransport(t, userAgent);
  }

  /** A session on one repository with the given actions, plus pull on {@code alsoPull} repositories (mount sources). */
  public Repo repo(String registry, RepositoryName repository, Set<String> actions, List<String> alsoPull) {
    return repo(registry, repository, actions, alsoPull, keychain);
  }

  Repo repo(String registry, RepositoryName repository, Set<String> actions, List<String> alsoPull, Keychain kc) {
    URI base = base(registry);
    Set<String> scopes = new LinkedHashSet<>();
    scopes.add("repository:" + repository + ":" + String.join(",", actions));
    for (String other : alsoPull) scopes.add("repository:" + other + ":pull");
    Transport tokens = plain(true);
    Transport auth = new AuthTransport(http, tokens, registry, kc, scopes, authCache);
    Transport normal = new UserAgentTransport(new RetryTransport(auth, retry), userAgent);
    Transport uploads = new UserAgentTransport(auth, userAgent);
    return new Repo(registry, repository, base, normal, uploads, chunkSize, retry);
  }

  /** A transport for registry-level calls ({@code /v2/}) with no repository scope. */
  public Transport registryTransport(String registry, Keychain kc) {
    return new UserAgentTransport(new RetryTransport(
        new AuthTransport(http, plain(true), registry, kc, Set.of(), authCache), retry), userAgent);
  }

  static boolean isLoopback(String registry) {
    String host = registry.toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
      host = host.substring(0, host.indexOf(':'));
    }
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  /** {@code https://registry} or, where allowed and HTTPS fails, {@code http://registry}. */
  public URI base(String registry) {
    URI known = bases.get(registry);
    if (known != null) return known;
    String apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
    boolean mayBePlain = insecure.contains(registry) || isLoopback(registry);
    URI https = URI.create("https://" + apiHost);
    try {
      ping(https, registry);
      bases.put(registry, https);
      return https;
    } catch (IOException e) {
      if (!mayBePlain) throw RegistryErrors.fromIo("reach " + registry, e, registry);
      URI plainUri = URI.create("http://" + apiHost);
      try {
        ping(plainUri, registry);
      } catch (IOException e2) {
        throw RegistryErrors.fromIo("reach " + registry + " (tried https and http)", e2, registry);
      }
      bases.put(registry, plainUri);
      return plainUri;
    }
  }

  /** GET /v2/: checks that the registry speaks the API and learns its auth challenge. */
  private void ping(URI base, String registry) throws IOException {
    HttpRequest req = HttpRequest.newBuilder(base.resolve("/v2/")).GET().timeout(Duration.ofSeconds(30)).build();
    HttpResponse<InputStream> r = plain(false).send(req);
    int s = r.statusCode();
    if (s == 401) {
      dev.berth.client.transport.Challenge.pick(r.headers().allValues("WWW-Authenticate"))
          .ifPresent(c -> authCache.learn(registry, c));
    }
    Transport.discard(r);
    if (s != 200 && s != 401 && s != 403) {
      throw ClientException.builder(Category.SERVER, "reach the registry API at " + base + "/v2/")
          .why("it answered " + s + "; a registry answers 200 or 401 there")
          .status(s).requestId(RegistryErrors.requestId(r))
          .remedy("check the registry name; it may be a web site or a proxy rather than a registry").build();
    }
  }
}
