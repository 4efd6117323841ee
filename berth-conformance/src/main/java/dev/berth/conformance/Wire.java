package dev.berth.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The suite's only way to talk to a registry: the JDK {@link HttpClient} (HTTP/1.1, no automatic
 * redirects), plus the two authentication schemes registries use (Basic, and the Docker token flow
 * answering a {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} challenge). It knows
 * nothing about the registry protocol beyond that; the tests spell out every request.
 */
public final class Wire {
  private static final Map<Target, Wire> BY_TARGET = new ConcurrentHashMap<>();
  private static final Pattern REPO_IN_PATH = Pattern.compile("^/v2/(.+?)/(?:blobs|manifests|tags|referrers)/");
  private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");

  private final Target target;
  private final HttpClient http;
  private final Map<String, String> authorizationByScopeKey = new ConcurrentHashMap<>();
  private volatile String basicForAll;

  private Wire(Target target) {
    this.target = target;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** One shared instance per target (tokens are cached in it). */
  public static Wire of(Target target) {
    return BY_TARGET.computeIfAbsent(target, Wire::new);
  }

  public Target target() {
    return target;
  }

  /** Resolves a path ({@code /v2/...}) or an absolute or relative Location against the base URI. */
  public URI resolve(String pathOrUrl) {
    return target.baseUri().resolve(pathOrUrl);
  }

  public Call call(String method, String pathOrUrl) {
    return new Call(method, resolve(pathOrUrl));
  }

  public Response get(String pathOrUrl) {
    return call("GET", pathOrUrl).send();
  }

  public Response head(String pathOrUrl) {
    return call("HEAD", pathOrUrl).send();
  }

  public Response delete(String pathOrUrl) {
    return call("DELETE", pathOrUrl).send();
  }

  /** Query-string encoding of one value (digests, repository names, media types). */
  public static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** Appends {@code name=value} to a URL that may already carry a query (upload Locations often do). */
  public static String withQuery(String url, String name, String value) {
    return url + (url.contains("?") ? "&" : "?") + name + "=" + q(value);
  }

  /** A request being built. */
  public final class Call {
    private final String method;
    private final URI uri;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private byte[] body;
    private boolean authenticate = true;
    private boolean followRedirects;

    private Call(String method, URI uri) {
      this.method = method;
      this.uri = uri;
    }

    public Call header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    public Call contentType(String value) {
      return header("Content-Type", value);
    }

    public Call body(byte[] bytes) {
      this.body = bytes;
      return this;
    }

    /** Send exactly this request, without answering a 401 challenge. */
    public Call anonymous() {
      this.authenticate = false;
      return this;
    }

    /** Follow 30x redirects (blob GETs may be redirected to storage). */
    public Call followRedirects() {
      this.followRedirects = true;
      return this;
    }

    public Response send() {
      URI current = uri;
      for (int hop = 0; ; hop++) {
        Response r = sendAuthenticated(current);
        if (!followRedirects || hop >= 5 || !isRedirect(r.status()) || r.header("Location").isEmpty()) return r;
        current = current.resolve(r.headerOrNull("Location"));
      }
    }

    private Response sendAuthenticated(URI u) {
      boolean sameOrigin = Objects.equals(u.getRawAuthority(), target.baseUri().getRawAuthority());
      String key = scopeKey(u);
      String auth = sameOrigin && authenticate ? authorizationFor(key) : null;
      Response r = once(u, auth);
      for (int attempt = 0; attempt < 2 && r.status() == 401 && authenticate && sameOrigin; attempt++) {
        String next = answerChallenge(r);
        if (next == null || next.equals(auth)) return r;
        authorizationByScopeKey.put(key, next);
        auth = next;
        r = once(u, auth);
      }
      return r;
    }

    private Response once(URI u, String authorization) {
      HttpRequest.Builder b = HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(60));
      headers.forEach(b::header);
      if (authorization != null) b.header("Authorization", authorization);
      b.header("User-Agent", "berth-conformance/1 (JDK HttpClient)");
      HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
      b.method(method, pub);
      try {
        HttpResponse<InputStream> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        String bodyError = null;
        try (InputStream in = resp.body()) {
          byte[] buf = new byte[64 * 1024];
          for (int n; (n = in.read(buf)) > 0; ) received.write(buf, 0, n);
        } catch (IOException e) {
          bodyError = e.getMessage();
        }
        return new Response(method, u, resp.statusCode(), resp.headers(), received.toByteArray(), bodyError);
      } catch (IOException e) {
        throw new UncheckedIOException(method + " " + u + " failed: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during " + method + " " + u, e);
      }
    }
  }

  private static boolean isRedirect(int s) {
    return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
  }

  private static String scopeKey(URI u) {
    String path = u.getRawPath();
    if (path.startsWith("/v2/_catalog")) return "catalog";
    Matcher m = REPO_IN_PATH.matcher(path);
    return m.find() ? "repo:" + m.group(1) : "base";
  }

  private String authorizationFor(String key) {
    String a = authorizationByScopeKey.get(key);
    return a != null ? a : basicForAll;
  }

  /** Returns the Authorization header value that answers the response's challenge, or null. */
  private String answerChallenge(Response r) {
    String challenge = r.headerOrNull("WWW-Authenticate");
    if (challenge == null) return null;
    String scheme = challenge.trim().split("\\s+", 2)[0];
    if (scheme.equalsIgnoreCase("Basic")) {
      if (target.credentials().isEmpty()) return null;
      basicForAll = basic(target.credentials().get());
      return basicForAll;
    }
    if (!scheme.equalsIgnoreCase("Bearer")) return null;
    Map<String, String> params = new LinkedHashMap<>();
    Matcher m = CHALLENGE_PARAM.matcher(challenge);
    while (m.find()) params.put(m.group(1).toLowerCase(), m.group(2));
    String realm = params.get("realm");
    if (realm == null) return null;
    List<String> query = new ArrayList<>();
    if (params.containsKey("service")) query.add("service=" + q(params.get("service")));
    if (params.containsKey("scope")) {
      for (String s : params.get("scope").split(" ")) query.add("scope=" + q(s));
    }
    URI tokenUri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + String.join("&", query)));
    HttpRequest.Builder b = HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(30)).GET();
    target.credentials().ifPresent(c -> b.header("Authorization", basic(c)));
    try {
      HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (resp.statusCode() != 200) return null;
      JsonNode n = Response.JSON.readTree(resp.body());
      String token = n.hasNonNull("token") ? n.get("token").asText() : n.path("access_token").asText(null);
      return token == null ? null : "Bearer " + token;
    } catch (IOException e) {
      throw new UncheckedIOException("token request to " + tokenUri + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String basic(Credentials c) {
    return "Basic " + Base64.getEncoder().encodeToString((c.user() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }
}
