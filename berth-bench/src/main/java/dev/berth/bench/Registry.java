package dev.berth.bench;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry protocol as the benchmark needs it, on the JDK {@link HttpClient} (HTTP/1.1, one
 * client, its own connection pool). Every response is checked; anything unexpected throws
 * {@link CheckFailed} with the request, the status and the start of the body.
 *
 * <p>Credentials: on a 401 the {@code WWW-Authenticate} challenge decides. {@code Basic} sends the
 * user and password on every later request; {@code Bearer} runs the token flow (GET realm with
 * service and scope, Basic credentials when given, {@code token} or {@code access_token} from the
 * JSON answer) and caches one token per repository with {@code pull,push} scope.
 */
public final class Registry {
  public static final String MANIFEST_ACCEPT = String.join(", ",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.docker.distribution.manifest.v2+json",
      "application/vnd.docker.distribution.manifest.list.v2+json");
  public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Pattern TOKEN = Pattern.compile("\"(?:token|access_token)\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern REPO_IN_PATH = Pattern.compile("^/v2/(.+?)/(?:blobs|manifests|tags)/");

  private final URI base;
  private final String user;
  private final String password;
  private final HttpClient http;
  private volatile String basic;
  private volatile boolean bearer;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();
  private final boolean raw;

  public Registry(URI base, String user, String password) {
    this(base, user, password, true);
  }

  /**
   * With {@code rawBigBlobs}, 1 GiB pushes and pulls go through {@link RawHttp} (plain http only);
   * everything else always uses the JDK client.
   */
  public Registry(URI base, String user, String password, boolean rawBigBlobs) {
    this.base = URI.create(base.toString().replaceAll("/+$", ""));
    this.user = user;
    this.password = password;
    this.raw = rawBigBlobs && RawHttp.supports(this.base);
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .build();
  }

  public URI base() {
    return base;
  }

  public URI uri(String pathAndQuery) {
    return URI.create(base + pathAndQuery);
  }

  /** The Authorization header value a request to {@code uri} would carry now, or null. */
  public String authorization(URI uri) {
    if (bearer) {
      String t = tokens.get(repoOf(uri));
      return t == null ? null : "Bearer " + t;
    }
    return basic;
  }

  /** Sends with credentials; on a 401 answers the challenge once and retries. */
  public <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) {
    HttpRequest req = b.copy().build();
    try {
      String auth = authorization(req.uri());
      HttpRequest first = auth == null ? req : b.copy().header("Authorization", auth).build();
      HttpResponse<T> r = http.send(first, handler);
      if (r.statusCode() != 401) return r;
      String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
      if (!answer(challenge, req.uri())) return r;
      return http.send(b.copy().header("Authorization", authorization(req.uri())).build(), handler);
    } catch (IOException e) {
      throw new CheckFailed(req.method() + " " + req.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CheckFailed("interrupted", e);
    }
  }

  private boolean answer(String challenge, URI uri) throws IOException, InterruptedException {
    String scheme = challenge.split(" ", 2)[0];
    if (scheme.equalsIgnoreCase("Basic")) {
      if (user == null) throw new CheckFailed("the registry asks for Basic credentials; pass --user and --password");
      basic = basicHeader();
      return true;
    }
    if (!scheme.equalsIgnoreCase("Bearer")) return false;
    Map<String, String> p = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) p.put(m.group(1).toLowerCase(), m.group(2));
    String realm = p.get("realm");
    if (realm == null) throw new CheckFailed("Bearer challenge without realm: " + challenge);
    String repo = repoOf(uri);
    String scope = repo.isEmpty() ? p.get("scope") : "repository:" + repo + ":pull,push";
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (p.containsKey("service")) q.append("service=").append(enc(p.get("service"))).append('&');
    if (scope != null) q.append("scope=").append(enc(scope));
    HttpRequest.Builder tb = HttpRequest.newBuilder(URI.create(q.toString())).GET();
    if (user != null) tb.header("Authorization", basicHeader());
    HttpResponse<String> r = http.send(tb.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new CheckFailed("token endpoint " + q + " answered " + r.statusCode() + ": " + head(r.body()));
    }
    Matcher t = TOKEN.matcher(r.body());
    if (!t.find()) throw new CheckFailed("token endpoint answer has no token: " + head(r.body()));
    tokens.put(repo, t.group(1));
    bearer = true;
    return true;
  }

  private String basicHeader() {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
  }

  private static String repoOf(URI uri) {
    Matcher m = REPO_IN_PATH.matcher(uri.getRawPath());
    return m.find() ? m.group(1) : "";
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String head(String body) {
    if (body == null) return "";
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }

  static String head(byte[] body) {
    return body == null ? "" : head(new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8));
  }

  // ---------------------------------------------------------------- checks

  static <T> HttpResponse<T> expect(HttpResponse<T> r, int status) {
    if (r.statusCode() != status) {
      Object b = r.body();
      String body = b instanceof byte[] bytes ? head(bytes) : b instanceof String s ? head(s) : "";
      throw new CheckFailed(r.request().method() + " " + r.request().uri() + ": expected " + status + ", got "
          + r.statusCode() + " " + body);
    }
    return r;
  }

  static void expectHeader(HttpResponse<?> r, String name, String want) {
    String got = r.headers().firstValue(name).orElse(null);
    if (!want.equals(got)) {
      throw new CheckFailed(r.request().method() + " " + r.request().uri() + ": header " + name + " is " + got
          + ", expected " + want);
    }
  }

  // ---------------------------------------------------------------- operations

  /** GET /v2/ answered at all (200 or 401): the server is up. */
  public boolean answersPing() {
    try {
      HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri("/v2/")).timeout(Duration.ofSeconds(2)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200 || r.statusCode() == 401;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** GET /v2/ with credentials: 200 or the run stops. */
  public void checkBase() {
    expect(send(HttpRequest.newBuilder(uri("/v2/")).GET(), HttpResponse.BodyHandlers.ofString()), 200);
  }

  /** POST an upload session; returns its Location. */
  public URI startUpload(String repo) {
    HttpResponse<String> r = expect(send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/uploads/"))
        .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString()), 202);
    return location(r);
  }

  private URI location(HttpResponse<?> r) {
    String loc = r.headers().firstValue("Location")
        .orElseThrow(() -> new CheckFailed(r.request().method() + " " + r.request().uri() + ": no Location header"));
    return base.resolve(loc);
  }

  private static URI withDigest(URI location, Digest d) {
    String s = location.toString();
    return URI.create(s + (s.contains("?") ? "&" : "?") + "digest=" + d);
  }

  /** Monolithic push: POST, then PUT ?digest= with the whole body. */
  public void pushBlob(String repo, Digest d, HttpRequest.BodyPublisher body) {
    URI loc = startUpload(repo);
    HttpResponse<String> r = expect(send(HttpRequest.newBuilder(withDigest(loc, d))
        .header("Content-Type", "application/octet-stream").PUT(body), HttpResponse.BodyHandlers.ofString()), 201);
    expectHeader(r, "Docker-Content-Digest", d.toString());
  }

  /**
   * Monolithic push of a big payload: POST, then PUT ?digest= with the whole body, through the
   * lean client when enabled. The POST (JDK client) settles credentials first.
   */
  public void pushBlob(String repo, Payload p) {
    if (!raw) {
      pushBlob(repo, p.digest(), p.publisher());
      return;
    }
    Digest d = p.digest();
    URI u = withDigest(startUpload(repo), d);
    RawHttp.Response r = rawSend("PUT", u, Map.of("Content-Type", "application/octet-stream"), p, 0, p.size());
    expectRaw(r, "PUT", u, 201);
    expectRawHeader(r, "PUT", u, "Docker-Content-Digest", d.toString());
  }

  private RawHttp.Response rawSend(String method, URI u, Map<String, String> headers, Payload p, long off, long n) {
    try {
      return RawHttp.send(method, u, authorization(u), headers, p::directSlice, off, n);
    } catch (IOException e) {
      throw new CheckFailed(method + " " + u + ": " + e, e);
    }
  }

  private static void expectRaw(RawHttp.Response r, String method, URI u, int status) {
    if (r.status() != status) {
      throw new CheckFailed(method + " " + u + ": expected " + status + ", got " + r.status() + " " + head(r.body()));
    }
  }

  private static void expectRawHeader(RawHttp.Response r, String method, URI u, String name, String want) {
    String got = r.header(name);
    if (!want.equals(got)) throw new CheckFailed(method + " " + u + ": header " + name + " is " + got + ", expected " + want);
  }

  public Digest pushBlob(String repo, byte[] content) {
    Digest d = Digest.sha256(content);
    pushBlob(repo, d, HttpRequest.BodyPublishers.ofByteArray(content));
    return d;
  }

  /** Chunked push: POST, PATCH chunks with Content-Range, PUT ?digest= with no body. */
  public void pushBlobChunked(String repo, Payload p, long chunk) {
    URI loc = startUpload(repo);
    long off = 0;
    while (off < p.size()) {
      long n = Math.min(chunk, p.size() - off);
      if (raw) {
        RawHttp.Response r = rawSend("PATCH", loc, Map.of("Content-Type", "application/octet-stream",
            "Content-Range", off + "-" + (off + n - 1)), p, off, n);
        expectRaw(r, "PATCH", loc, 202);
        expectRawHeader(r, "PATCH", loc, "Range", "0-" + (off + n - 1));
        String next = r.header("Location");
        if (next == null) throw new CheckFailed("PATCH " + loc + ": no Location header");
        loc = base.resolve(next);
        off += n;
        continue;
      }
      HttpResponse<String> r = expect(send(HttpRequest.newBuilder(loc)
          .header("Content-Type", "application/octet-stream")
          .header("Content-Range", off + "-" + (off + n - 1))
          .method("PATCH", p.publisher(off, n)), HttpResponse.BodyHandlers.ofString()), 202);
      expectHeader(r, "Range", "0-" + (off + n - 1));
      loc = location(r);
      off += n;
    }
    Digest d = p.digest();
    HttpResponse<String> r = expect(send(HttpRequest.newBuilder(withDigest(loc, d))
        .PUT(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofString()), 201);
    expectHeader(r, "Docker-Content-Digest", d.toString());
  }

  /** GET a blob, counting (and with {@code verify} hashing) the bytes as they arrive. */
  public void pullBlob(String repo, Digest d, long size, boolean verify) {
    if (raw) {
      pullBlobRaw(repo, d, size, verify);
      return;
    }
    HttpResponse<Long> r;
    try {
      r = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/blobs/" + d)).GET(),
        HttpResponse.BodyHandlers.fromSubscriber(new Sink(verify ? Digest.newMessageDigest(Digest.SHA256) : null, d), Sink::result));
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof CheckFailed c) throw c;
      throw e;
    }
    if (r.statusCode() != 200) throw new CheckFailed("GET blob " + d + ": status " + r.statusCode());
    if (r.body() != size) throw new CheckFailed("GET blob " + d + ": " + r.body() + " bytes, expected " + size);
    r.headers().firstValue("Docker-Content-Digest").ifPresent(h -> {
      if (!h.equals(d.toString())) throw new CheckFailed("GET blob " + d + ": Docker-Content-Digest " + h);
    });
  }

  private void pullBlobRaw(String repo, Digest d, long size, boolean verify) {
    URI u = uri("/v2/" + repo + "/blobs/" + d);
    MessageDigest md = verify ? Digest.newMessageDigest(Digest.SHA256) : null;
    RawHttp.Pulled p;
    try {
      p = RawHttp.get(u, authorization(u), md);
    } catch (IOException e) {
      throw new CheckFailed("GET " + u + ": " + e, e);
    }
    if (p.head().status() != 200) throw new CheckFailed("GET blob " + d + ": status " + p.head().status() + " " + head(p.head().body()));
    if (p.bytes() != size) throw new CheckFailed("GET blob " + d + ": " + p.bytes() + " bytes, expected " + size);
    String h = p.head().header("Docker-Content-Digest");
    if (h != null && !h.equals(d.toString())) throw new CheckFailed("GET blob " + d + ": Docker-Content-Digest " + h);
    if (md != null) RawHttp.checkDigest(md, d);
  }

  /** Consumes a body without copying it; checks the digest when given a MessageDigest. */
  static final class Sink implements Flow.Subscriber<List<ByteBuffer>> {
    private final MessageDigest md;
    private final Digest want;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long count;

    Sink(MessageDigest md, Digest want) {
      this.md = md;
      this.want = want;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        count += b.remaining();
        if (md != null) md.update(b);
      }
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      if (md != null) {
        String got = HexFormat.of().formatHex(md.digest());
        if (!got.equals(want.hex())) {
          done.completeExceptionally(new CheckFailed("blob " + want + " arrived with digest sha256:" + got));
          return;
        }
      }
      done.complete(count);
    }

    /** Called by the client after onComplete: the byte count, or the digest mismatch. */
    Long result() {
      return done.join();
    }
  }

  /** PUT a manifest by tag (or digest); checks 201 and the digest the registry computed. */
  public Digest putManifest(String repo, String reference, byte[] manifest, String mediaType) {
    Digest d = Digest.sha256(manifest);
    HttpResponse<String> r = expect(send(HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + reference))
        .header("Content-Type", mediaType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)),
        HttpResponse.BodyHandlers.ofString()), 201);
    expectHeader(r, "Docker-Content-Digest", d.toString());
    return d;
  }

  /** HEAD a manifest; checks status, digest and length. */
  public void headManifest(String repo, String reference, Digest d, long size) {
    HttpResponse<Void> r = send(HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + reference))
        .header("Accept", MANIFEST_ACCEPT).method("HEAD", HttpRequest.BodyPublishers.noBody()),
        HttpResponse.BodyHandlers.discarding());
    expect(r, 200);
    expectHeader(r, "Docker-Content-Digest", d.toString());
    expectHeader(r, "Content-Length", Long.toString(size));
  }

  /** GET a manifest; checks status, digest header and the digest of the body. */
  public void getManifest(String repo, String reference, Digest d) {
    HttpResponse<byte[]> r = expect(send(HttpRequest.newBuilder(uri("/v2/" + repo + "/manifests/" + reference))
        .header("Accept", MANIFEST_ACCEPT).GET(), HttpResponse.BodyHandlers.ofByteArray()), 200);
    expectHeader(r, "Docker-Content-Digest", d.toString());
    Digest got = Digest.sha256(r.body());
    if (!got.equals(d)) throw new CheckFailed("GET manifest " + repo + ":" + reference + " body digest " + got + ", expected " + d);
  }

  /** GET the tag list (no pagination); checks that it names exactly {@code expected} tags. */
  public void listTags(String repo, int expected) {
    int n = countTags(repo);
    if (n != expected) throw new CheckFailed("GET /v2/" + repo + "/tags/list: " + n + " tags, expected " + expected);
  }

  /** The number of tags starting with "v" in the whole (unpaged) tag list. */
  public int countTags(String repo) {
    HttpResponse<byte[]> r = expect(send(HttpRequest.newBuilder(uri("/v2/" + repo + "/tags/list")).GET(),
        HttpResponse.BodyHandlers.ofByteArray()), 200);
    byte[] b = r.body();
    int n = 0;
    for (int i = 0; i + 1 < b.length; i++) {
      if (b[i] == '"' && b[i + 1] == 'v') n++;
    }
    return n;
  }
}
