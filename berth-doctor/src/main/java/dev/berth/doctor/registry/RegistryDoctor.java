package dev.berth.doctor.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.auth.Credential;
import dev.berth.client.auth.Keychains;
import dev.berth.client.transport.Challenge;
import dev.berth.doctor.Finding;
import dev.berth.doctor.Report;
import dev.berth.doctor.Severity;
import dev.berth.oci.Reference;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code berth doctor registry REF}: would a push to REF work, and if not, why. Builds nothing:
 * resolves the reference with docker's rules, looks the host up, probes TLS (trust, name,
 * expiry), tries HTTPS then HTTP as docker does, reads the {@code /v2/} challenge, finds the
 * credentials that would be used (and says where from, never the secret), asks the token service
 * for {@code push,pull} and decodes what it granted, then opens a real upload session and cancels
 * it, so that nothing is left on the registry. Every problem is a {@link Finding}; the report ends
 * with a verdict.
 */
public final class RegistryDoctor {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Where docker looks for a registry's CA: {@code /etc/docker/certs.d/HOST[:PORT]/ca.crt}. */
  static final Path DOCKER_CERTS_D = Path.of("/etc/docker/certs.d");
  private static final int EXPIRY_WARNING_DAYS = 30;

  private final Map<String, String> env;
  private final boolean insecure;
  private final Duration timeout;
  private final Path certsD;

  /**
   * @param env the environment credentials are looked up in (DOCKER_CONFIG, HOME, BERTH_REGISTRY_*)
   * @param insecure accept plain HTTP and unverified TLS for this registry, as docker's
   *     {@code insecure-registries} does
   */
  public RegistryDoctor(Map<String, String> env, boolean insecure, Duration timeout) {
    this(env, insecure, timeout, DOCKER_CERTS_D);
  }

  RegistryDoctor(Map<String, String> env, boolean insecure, Duration timeout, Path certsD) {
    this.env = env;
    this.insecure = insecure;
    this.timeout = timeout;
    this.certsD = certsD;
  }

  /** Runs every step it can; throws IllegalArgumentException for a reference that does not parse. */
  public Report check(String refText) {
    Reference ref = Reference.parse(refText);
    Run run = new Run(ref, refText);
    try {
      run.steps();
    } catch (Stop ignored) {
      // a step failed in a way that makes the later ones meaningless; its finding says why
    }
    return run.finish();
  }

  /** Ends the run early: later steps need what this one could not establish. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  private final class Run {
    final Reference ref;
    final String shown;
    final String registry;
    final String host;
    final int port;
    final String repo;
    final Report report = new Report("berth doctor registry");
    final Map<String, Object> facts = new LinkedHashMap<>();
    boolean loopback;
    HttpClient http;
    URI base;
    String dockerWouldIgnoreTls;
    boolean port80; // no port in the reference, nothing on 443: plain HTTP on 80 // set when TLS fails but docker would skip verification here

    Run(Reference ref, String refText) {
      this.ref = ref;
      this.shown = refText;
      this.registry = ref.registry();
      String apiHost = registry.equals(Reference.DOCKER_HUB) ? "registry-1.docker.io" : registry;
      int p = 443;
      String h = apiHost;
      if (apiHost.startsWith("[")) {
        int close = apiHost.indexOf(']');
        h = apiHost.substring(1, close);
        if (apiHost.length() > close + 2) p = Integer.parseInt(apiHost.substring(close + 2));
      } else if (apiHost.indexOf(':') >= 0) {
        h = apiHost.substring(0, apiHost.indexOf(':'));
        p = Integer.parseInt(apiHost.substring(apiHost.indexOf(':') + 1));
      }
      this.host = h;
      this.port = p;
      this.repo = ref.repository().value();
      facts.put("reference", Map.of("input", refText, "registry", registry, "repository", repo, "host", host, "port", port));
    }

    void step(String line) {
      report.note(line);
    }

    Finding.Builder finding(String id, Severity s, String title) {
      return Finding.of(id, s, title);
    }

    void add(Finding.Builder f) {
      report.add(f.build());
    }

    void steps() {
      step("reference: " + shown + " -> registry " + registry + ", repository " + repo
          + (registry.equals(Reference.DOCKER_HUB) ? " (Docker Hub, API at registry-1.docker.io)" : ""));
      dns();
      transport();
      String challengeAuth = apiRoot();
      String auth = credentialsAndToken(challengeAuth);
      upload(auth);
    }

    // ---- DNS -------------------------------------------------------------------------------

    void dns() {
      InetAddress[] addrs;
      try {
        addrs = InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        add(finding("registry.dns", Severity.ERROR, "the registry host " + host + " does not resolve")
            .evidence("DNS lookup of " + host + ": " + e.getMessage())
            .why("nothing can be pushed to a host the machine cannot find (network hop: DNS)")
            .fix("check the registry name in the image reference (" + shown + "), the job's DNS and /etc/hosts;"
                + " in CI, the runner may not see internal names"));
        throw new Stop();
      }
      List<String> ips = Arrays.stream(addrs).map(InetAddress::getHostAddress).toList();
      loopback = host.equalsIgnoreCase("localhost") || Arrays.stream(addrs).allMatch(InetAddress::isLoopbackAddress);
      facts.put("dns", ips);
      step("dns: " + host + " -> " + String.join(", ", ips) + (loopback ? " (loopback: docker allows plain HTTP here)" : ""));
    }

    boolean mayBeInsecure() {
      return insecure || loopback;
    }

    // ---- TCP, TLS, HTTPS vs HTTP -----------------------------------------------------------

    void transport() {
      Map<String, Object> tls = new LinkedHashMap<>();
      facts.put("tls", tls);
      List<X509Certificate> chain;
      try {
        chain = handshake(trustAll(), false);
      } catch (ConnectException e) {
        if (mayBeInsecure() && !registry.contains(":")) {
          // docker tries https://HOST (443), then http://HOST (80) for an insecure registry
          tls.put("handshake", "connection refused on " + port);
          port80 = true;
          plainHttp();
          return;
        }
        add(finding("registry.connect", Severity.ERROR, "nothing accepts connections at " + host + ":" + port)
            .evidence("TCP connect to " + host + ":" + port + ": " + e.getMessage())
            .why("the registry is down, listens on another port, or a firewall refuses the connection (network hop: TCP)")
            .fix("check the port in the reference (" + shown + ") and that the registry runs: curl -v https://" + registry + "/v2/"));
        throw new Stop();
      } catch (java.net.SocketTimeoutException e) {
        add(finding("registry.connect", Severity.ERROR, "the connection to " + host + ":" + port + " timed out")
            .evidence("TCP connect or TLS handshake with " + host + ":" + port + " took more than " + timeout.toSeconds() + " s")
            .why("a firewall drops the packets, or a proxy is needed to leave this network (network hop: TCP)")
            .fix("check firewalls and HTTPS_PROXY/NO_PROXY for this job"));
        throw new Stop();
      } catch (IOException e) {
        chain = null; // not TLS: the registry may speak plain HTTP
        tls.put("handshake", "failed: " + e.getMessage());
      }
      if (chain == null) {
        plainHttp();
        return;
      }
      X509Certificate leaf = chain.get(0);
      long daysLeft = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
      tls.put("subject", leaf.getSubjectX500Principal().getName());
      tls.put("issuer", leaf.getIssuerX500Principal().getName());
      tls.put("notAfter", leaf.getNotAfter().toInstant().toString());
      tls.put("daysLeft", daysLeft);
      tls.put("chainLength", chain.size());
      String certEvidence = "certificate: subject " + leaf.getSubjectX500Principal().getName() + ", issuer "
          + leaf.getIssuerX500Principal().getName() + " (chain of " + chain.size() + ")\n"
          + "valid until " + leaf.getNotAfter().toInstant() + " (" + daysLeft + " days left)";
      Path caFile = certsD.resolve(registry).resolve("ca.crt");
      String trustProblem = null;
      try {
        handshake(verifying(caFile), true);
        tls.put("trusted", true);
        step("tls: " + host + ":" + port + " speaks TLS, certificate trusted, " + daysLeft + " days left ("
            + leaf.getSubjectX500Principal().getName() + ")");
      } catch (IOException e) {
        trustProblem = rootMessage(e);
        tls.put("trusted", false);
        tls.put("error", trustProblem);
        step("tls: " + host + ":" + port + " speaks TLS, but the certificate was refused: " + trustProblem);
      }
      if (trustProblem != null) {
        tlsFinding(e(trustProblem), certEvidence, trustProblem, caFile, leaf);
      } else if (daysLeft < EXPIRY_WARNING_DAYS) {
        add(finding("registry.tls.expiring", Severity.WARNING, "the registry's certificate expires in " + daysLeft + " days")
            .evidence(certEvidence)
            .why("when it expires every client fails with \"x509: certificate has expired\" before any HTTP request (ci-failures.md entry 14)")
            .fix("renew the certificate of " + host + " (and restart or reload the registry)"));
      }
      base = URI.create("https://" + hostPort());
      http = client(trustProblem == null ? null : trustAll());
    }

    String e(String s) {
      return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    void tlsFinding(String lower, String certEvidence, String problem, Path caFile, X509Certificate leaf) {
      boolean expired = lower.contains("expired") || lower.contains("not yet valid") || leaf.getNotAfter().before(new java.util.Date());
      boolean name = lower.contains("subject alternative") || lower.contains("no name matching") || lower.contains("hostname");
      String id;
      String title;
      String why;
      String fix;
      if (expired) {
        id = "registry.tls.expired";
        title = "the registry's certificate has expired (or is not yet valid)";
        why = "clients refuse it during the TLS handshake: \"x509: certificate has expired or is not yet valid\" (ci-failures.md entry 14)";
        fix = "renew the certificate of " + host + "; if it is not yet valid, check the clocks of this machine and the registry";
      } else if (name) {
        id = "registry.tls.name-mismatch";
        title = "the registry's certificate is not for " + host;
        why = "clients check that the certificate names the host they connect to: \"x509: certificate is valid for …, not " + host + "\" (ci-failures.md entry 14)";
        fix = "use the name the certificate was issued for, or reissue it with " + host + " in its subjectAltName";
      } else {
        id = "registry.tls.untrusted";
        title = "the registry's certificate is not trusted (signed by an unknown authority)";
        why = "clients refuse it during the TLS handshake: docker says \"x509: certificate signed by unknown authority\","
            + " the JDK (Jib, berth) \"PKIX path building failed\" (ci-failures.md entry 14)";
        fix = "trust the CA that signed it (for a self-signed certificate, the certificate itself; to fetch it:"
            + " openssl s_client -connect " + host + ":" + port + " -showcerts </dev/null | openssl x509 > ca.crt):\n"
            + "docker: copy it to " + caFile + " on the machine running the daemon (no restart needed)\n"
            + "system (berth, skopeo, podman, the JDK via its cacerts on Debian): cp ca.crt /usr/local/share/ca-certificates/"
            + host + ".crt && update-ca-certificates\n"
            + "or serve a certificate from a CA that clients already trust";
        if (leaf.getSubjectX500Principal().getName().contains("berth self-signed")) {
          fix += "\nberth serve --tls-self-signed keeps its certificate in DATA/tls/self-signed.crt";
        }
      }
      Severity sev = Severity.ERROR;
      String ev = certEvidence + "\nTLS handshake with verification: " + problem;
      if (mayBeInsecure()) {
        // docker skips certificate verification for insecure registries (loopback, insecure-registries)
        sev = Severity.WARNING;
        dockerWouldIgnoreTls = title;
        why += ". docker push would still work: the daemon skips verification for insecure registries ("
            + (insecure ? "--insecure" : "loopback addresses count as insecure") + "), but berth, skopeo, Jib and BuildKit verify and fail";
      }
      add(finding(id, sev, title).evidence(ev).why(why).fix(fix));
      step("tls: the remaining checks run without certificate verification, to find any further problem");
    }

    void plainHttp() {
      base = URI.create("http://" + hostPort());
      http = client(null);
      try {
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(base.resolve("/v2/")).GET());
        step("scheme: https failed (no TLS on " + host + ":" + port + "); http://" + hostPort() + "/v2/ answered " + r.statusCode());
      } catch (IOException e) {
        add(finding("registry.connect", Severity.ERROR, host + ":" + port + " speaks neither HTTPS nor HTTP")
            .evidence("TLS handshake failed, then GET http://" + hostPort() + "/v2/: " + rootMessage(e))
            .why("something other than a registry listens there")
            .fix("check the port in the reference (" + shown + ")"));
        throw new Stop();
      }
      facts.put("scheme", "http");
      if (mayBeInsecure()) {
        add(finding("registry.http.plain", Severity.NOTE, "the registry speaks plain HTTP")
            .evidence("no TLS on " + host + ":" + port + "; http://" + hostPort() + "/v2/ answers")
            .why(loopback ? "docker allows plain HTTP for localhost and 127.0.0.0/8, so pushes from this machine work;"
                + " from any other machine the same registry needs an insecure-registries entry"
                : "--insecure accepts it; docker needs the registry in daemon.json \"insecure-registries\" (and a daemon restart)")
            .fix("serve TLS (berth serve --tls-cert/--tls-key or --tls-self-signed) before other machines push here"));
      } else {
        add(finding("registry.http.plain", Severity.ERROR, "the registry speaks only plain HTTP, and " + host + " is not an insecure registry")
            .evidence("no TLS on " + host + ":" + port + "; http://" + hostPort() + "/v2/ answers")
            .why("docker tries HTTPS only for non-loopback registries and fails with"
                + " \"http: server gave HTTP response to HTTPS client\" (ci-failures.md entry 15)")
            .fix("serve TLS on the registry, or add \"" + registry + "\" to \"insecure-registries\" in /etc/docker/daemon.json"
                + " and restart the daemon (berth: --insecure-registry " + registry + "); re-run with --insecure to check the rest"));
      }
    }

    String hostPort() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      if (port80) return h;
      return port == 443 && !registry.contains(":") ? h : h + ":" + port;
    }

    List<X509Certificate> handshake(SSLContext ctx, boolean verifyName) throws IOException {
      try (Socket raw = new Socket()) {
        raw.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        raw.setSoTimeout((int) timeout.toMillis());
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
          SSLParameters p = s.getSSLParameters();
          if (verifyName) p.setEndpointIdentificationAlgorithm("HTTPS");
          s.setSSLParameters(p);
          s.startHandshake();
          List<X509Certificate> out = new ArrayList<>();
          for (Certificate c : s.getSession().getPeerCertificates()) {
            if (c instanceof X509Certificate x) out.add(x);
          }
          return out;
        }
      }
    }

    // ---- GET /v2/ ----------------------------------------------------------------------------

    /** Returns the challenge's scheme ("bearer", "basic") or null when /v2/ needs no auth. */
    Challenge challenge;

    String apiRoot() {
      HttpResponse<byte[]> r;
      URI uri = base.resolve("/v2/");
      try {
        r = send(HttpRequest.newBuilder(uri).GET());
      } catch (IOException e) {
        add(finding("registry.api", Severity.ERROR, "GET " + uri + " failed")
            .evidence(rootMessage(e))
            .why("the registry API must answer at /v2/ before anything can be pushed")
            .fix("check the registry address and that it is running"));
        throw new Stop();
      }
      String apiVersion = r.headers().firstValue("Docker-Distribution-API-Version").orElse(null);
      List<String> www = r.headers().allValues("WWW-Authenticate");
      Map<String, Object> api = new LinkedHashMap<>();
      api.put("url", uri.toString());
      api.put("status", r.statusCode());
      api.put("apiVersionHeader", apiVersion);
      api.put("wwwAuthenticate", www);
      facts.put("api", api);
      if (r.statusCode() == 200) {
        step("api: GET " + uri + " -> 200 (no authentication required)");
        return null;
      }
      if (r.statusCode() == 401) {
        challenge = Challenge.pick(www).orElse(null);
        if (challenge == null) {
          add(finding("registry.api.challenge", Severity.ERROR, "the registry asks for authentication but names no scheme berth or docker can answer")
              .evidence("GET " + uri + " -> 401, WWW-Authenticate: " + (www.isEmpty() ? "(none)" : String.join(" | ", www)))
              .why("docker answers only Basic and Bearer challenges; a proxy in front of the registry may have replaced the header (ci-failures.md entry 13)")
              .fix("check what answers at " + uri + " (curl -v); put the registry's own WWW-Authenticate through the proxy"));
          throw new Stop();
        }
        step("api: GET " + uri + " -> 401, challenge " + describe(challenge));
        return challenge.scheme();
      }
      String body = snippet(r.body());
      add(finding("registry.api", Severity.ERROR, "GET " + uri + " answered " + r.statusCode() + ": this is not a registry API")
          .evidence("HTTP " + r.statusCode() + (apiVersion == null ? ", no Docker-Distribution-API-Version header" : "") + (body.isEmpty() ? "" : "\nbody: " + body))
          .why("a registry answers 200 or 401 at /v2/; anything else is a web site, a proxy or a path-prefixed registry (ci-failures.md entries 13, 26)")
          .fix("check the registry name and port in " + shown));
      throw new Stop();
    }

    String describe(Challenge c) {
      StringBuilder b = new StringBuilder(c.scheme().equals("bearer") ? "Bearer" : c.scheme().equals("basic") ? "Basic" : c.scheme());
      List<String> ps = new ArrayList<>();
      for (String k : List.of("realm", "service", "scope")) {
        if (c.param(k) != null) ps.add(k + "=\"" + c.param(k) + "\"");
      }
      if (!ps.isEmpty()) b.append(' ').append(String.join(",", ps));
      return b.toString();
    }

    // ---- credentials and token ---------------------------------------------------------------

    /** Returns the Authorization header value the upload would carry (null: none). */
    String credentialsAndToken(String scheme) {
      Optional<Credential> cred;
      try {
        cred = Keychains.defaults(env).resolve(registry);
      } catch (RuntimeException e) {
        add(finding("registry.credentials.unreadable", Severity.ERROR, "the stored login for " + registry + " cannot be read")
            .evidence(e.getMessage())
            .why("docker and berth read the same config.json and credential helpers: this login is unusable for both")
            .fix("log in again: docker login " + registry + "  (or: berth login " + registry + ")"));
        cred = Optional.empty();
      }
      Map<String, Object> cf = new LinkedHashMap<>();
      facts.put("credentials", cf);
      if (cred.isPresent()) {
        Credential c = cred.get();
        String kind = c.hasIdentityToken() ? "identity token (OAuth2 refresh token)" : "user name and password";
        cf.put("user", c.username());
        cf.put("kind", c.hasIdentityToken() ? "identitytoken" : "password");
        cf.put("source", c.source());
        step("credentials: " + (c.username() == null ? "" : "user \"" + c.username() + "\", ") + kind + ", from " + c.source()
            + sourceDetail(c));
      } else {
        cf.put("source", "none (anonymous)");
        step("credentials: none for " + registry + " (looked in BERTH_REGISTRY_USER/BERTH_REGISTRY_PASSWORD with BERTH_REGISTRY, "
            + configPath() + ": credHelpers, credsStore, auths) -> anonymous");
        if (scheme != null) {
          add(finding("registry.credentials.none", Severity.WARNING, "no credentials for " + registry + ": the push would be anonymous")
              .evidence("GET /v2/ asks for authentication (" + describe(challenge) + "); no login for " + registry + " in "
                  + configPath() + " or the environment")
              .why("registries rarely allow anonymous pushes: docker would say \"no basic auth credentials\" or get an anonymous token without push (ci-failures.md entries 3, 5)")
              .fix("log in where the push runs: docker login " + registry + " (or berth login " + registry + ");"
                  + " in CI without a config file: BERTH_REGISTRY=" + registry + " BERTH_REGISTRY_USER=… BERTH_REGISTRY_PASSWORD=…"));
        }
      }
      if (scheme == null) return null;
      if (challenge.isBasic()) {
        if (cred.isEmpty() || cred.get().username() == null) return null;
        step("token: none needed (Basic auth): the upload carries the credentials");
        return cred.get().basicHeader();
      }
      return token(cred);
    }

    String sourceDetail(Credential c) {
      String s = c.source() == null ? "" : c.source();
      if (s.endsWith("config.json")) return " (auths entry \"" + registry + "\")";
      return "";
    }

    String configPath() {
      String dir = env.get("DOCKER_CONFIG");
      return (dir != null && !dir.isEmpty() ? dir : env.getOrDefault("HOME", System.getProperty("user.home")) + "/.docker") + "/config.json";
    }

    String token(Optional<Credential> cred) {
      String realm = challenge.param("realm");
      String service = challenge.param("service");
      String pushScope = "repository:" + repo + ":push,pull";
      Map<String, Object> tf = new LinkedHashMap<>();
      facts.put("token", tf);
      if (realm == null || realm.isEmpty()) {
        add(finding("registry.token.realm", Severity.ERROR, "the registry asks for a bearer token but names no realm")
            .evidence("WWW-Authenticate: " + describe(challenge))
            .why("clients cannot know where to get a token")
            .fix("fix the registry's token configuration (auth.token.realm)"));
        throw new Stop();
      }
      TokenAnswer a;
      try {
        a = requestToken(realm, service, pushScope, cred);
      } catch (IOException e) {
        add(finding("registry.token.unreachable", Severity.ERROR, "the token service at " + realm + " cannot be reached")
            .evidence(rootMessage(e))
            .why("docker gets its push token there before the upload; the realm may name a host this machine cannot reach")
            .fix("check that " + realm + " is reachable from here (DNS, proxy, TLS)"));
        throw new Stop();
      }
      tf.put("request", a.how);
      tf.put("status", a.status);
      if (a.status / 100 != 2 || a.token == null) {
        RegistryError re = RegistryError.parse(a.body, a.requestId);
        tf.put("error", re.asMap());
        step("token: " + a.how + " -> " + a.status + (re.code == null ? "" : " " + re.code));
        boolean cannot = a.status == 401 || a.status == 403;
        add(finding("registry.token.refused", Severity.ERROR, cannot
                ? "the token service refused " + user(cred) + ": " + firstClause(re.message, "HTTP " + a.status)
                : "the token service failed: HTTP " + a.status)
            .evidence(a.how + " as " + who(cred) + " -> HTTP " + a.status + "\n" + re.quote())
            .why(cannot ? "docker asks for this token before uploading anything; refused here, the push fails with the same message"
                + " (\"unauthorized: …\" or \"denied: …\"; ci-failures.md entries 4, 6, 9)"
                : "the token service is broken; every client fails at this step")
            .fix(re.remedy != null ? re.remedy : cred.isPresent()
                ? "check the password or token stored in " + cred.get().source() + ", then log in again: docker login " + registry
                : "log in: docker login " + registry));
        step("upload: not tried: without a token docker would stop here too");
        throw new Stop();
      }
      Set<String> granted = grantedActions(a.token, tf);
      if (granted == null) {
        step("token: " + a.how + " -> " + a.status + ", an opaque token (not a JWT): the upload decides");
        return "Bearer " + a.token;
      }
      step("token: " + a.how + " -> " + a.status + ", granted on " + repo + ": " + (granted.isEmpty() ? "nothing" : String.join(",", granted)));
      if (!granted.contains("push") && !granted.contains("*")) {
        // Ask for push alone: a token service that can grant nothing refuses, and berth says why.
        String explanation = null;
        String remedy = null;
        try {
          TokenAnswer p = requestToken(realm, service, "repository:" + repo + ":push", cred);
          if (p.status / 100 != 2) {
            RegistryError re = RegistryError.parse(p.body, p.requestId);
            explanation = re.quote();
            remedy = re.remedy;
            tf.put("pushRefusal", re.asMap());
          }
        } catch (IOException ignored) {
          // the explanation is a bonus; the finding stands without it
        }
        add(finding("registry.token.no-push", Severity.ERROR, "the token for " + repo + " does not grant push"
                + (granted.isEmpty() ? " (nothing granted)" : " (granted: " + String.join(",", granted) + ")"))
            .evidence("asked for " + pushScope + " as " + who(cred) + "; the token's access claim grants "
                + (granted.isEmpty() ? "nothing" : String.join(",", granted)) + " on " + repo
                + (explanation == null ? "" : "\nthe token service, asked for push alone, says:\n" + explanation))
            .why("the upload needs push; docker would fail with \"denied: requested access to the resource is denied\" or the registry's own message (ci-failures.md entries 2, 6)")
            .fix(remedy != null ? remedy : "ask the registry's admin for push on " + repo + " for " + who(cred)));
      }
      return "Bearer " + a.token;
    }

    String user(Optional<Credential> cred) {
      return cred.map(c -> c.username() == null ? "the identity token" : "\"" + c.username() + "\"").orElse("anonymous access");
    }

    String who(Optional<Credential> cred) {
      return cred.map(c -> c.username() == null ? "the identity token from " + c.source() : "\"" + c.username() + "\" (from " + c.source() + ")")
          .orElse("anonymous");
    }

    record TokenAnswer(String how, int status, String token, byte[] body, String requestId) {}

    TokenAnswer requestToken(String realm, String service, String scope, Optional<Credential> cred) throws IOException {
      if (cred.isPresent() && cred.get().hasIdentityToken()) {
        List<String> f = new ArrayList<>(List.of("grant_type=refresh_token", "refresh_token=" + enc(cred.get().identityToken()),
            "scope=" + enc(scope), "client_id=berth"));
        if (service != null) f.add("service=" + enc(service));
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(realm))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(String.join("&", f))));
        return answer("POST " + realm + " (grant_type=refresh_token, scope=" + scope + ")", r);
      }
      List<String> q = new ArrayList<>();
      if (service != null) q.add("service=" + enc(service));
      q.add("scope=" + enc(scope));
      cred.filter(c -> c.username() != null).ifPresent(c -> q.add("account=" + enc(c.username())));
      String url = realm + (realm.contains("?") ? "&" : "?") + String.join("&", q);
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
      cred.filter(c -> c.username() != null).ifPresent(c -> b.header("Authorization", c.basicHeader()));
      HttpResponse<byte[]> r = send(b);
      String how = "GET " + realm + "?" + (service == null ? "" : "service=" + service + "&") + "scope=" + scope
          + (cred.isPresent() && cred.get().username() != null ? " with Basic credentials" : " anonymously");
      if ((r.statusCode() == 404 || r.statusCode() == 405) && cred.isPresent() && cred.get().password() != null) {
        List<String> f = new ArrayList<>(List.of("grant_type=password", "username=" + enc(cred.get().username()),
            "password=" + enc(cred.get().password()), "scope=" + enc(scope), "client_id=berth"));
        if (service != null) f.add("service=" + enc(service));
        r = send(HttpRequest.newBuilder(URI.create(realm)).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(String.join("&", f))));
        how = "POST " + realm + " (grant_type=password, scope=" + scope + ")";
      }
      return answer(how, r);
    }

    TokenAnswer answer(String how, HttpResponse<byte[]> r) {
      String token = null;
      if (r.statusCode() / 100 == 2) {
        try {
          JsonNode n = JSON.readTree(r.body());
          token = n.path("token").asText("");
          if (token.isEmpty()) token = n.path("access_token").asText("");
          if (token.isEmpty()) token = null;
        } catch (IOException e) {
          token = null;
        }
      }
      return new TokenAnswer(how, r.statusCode(), token, r.body(), r.headers().firstValue("X-Request-Id").orElse(null));
    }

    /** The actions the JWT's {@code access} claim grants on this repository; null when the token is not a JWT. */
    Set<String> grantedActions(String token, Map<String, Object> tf) {
      String[] parts = token.split("\\.");
      if (parts.length != 3) return null;
      JsonNode claims;
      try {
        claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      } catch (IOException | IllegalArgumentException e) {
        return null;
      }
      JsonNode access = claims.path("access");
      tf.put("access", JSON.convertValue(access, Object.class));
      if (claims.has("sub")) tf.put("subject", claims.get("sub").asText());
      if (claims.has("exp")) tf.put("expires", Instant.ofEpochSecond(claims.get("exp").asLong()).toString());
      Set<String> out = new LinkedHashSet<>();
      for (JsonNode a : access) {
        if ("repository".equals(a.path("type").asText()) && repo.equals(a.path("name").asText())) {
          for (JsonNode act : a.path("actions")) out.add(act.asText());
        }
      }
      return out;
    }

    // ---- upload session ----------------------------------------------------------------------

    void upload(String auth) {
      URI post = base.resolve("/v2/" + repo + "/blobs/uploads/");
      Map<String, Object> uf = new LinkedHashMap<>();
      facts.put("upload", uf);
      HttpRequest.Builder b = HttpRequest.newBuilder(post).POST(HttpRequest.BodyPublishers.noBody());
      if (auth != null) b.header("Authorization", auth);
      HttpResponse<byte[]> r;
      try {
        r = send(b);
      } catch (IOException e) {
        add(finding("registry.upload", Severity.ERROR, "POST " + post + " failed").evidence(rootMessage(e))
            .why("the first request of every layer upload").fix("check the connection to the registry"));
        return;
      }
      uf.put("post", r.statusCode());
      if (r.statusCode() != 202) {
        RegistryError re = RegistryError.parse(r.body(), r.headers().firstValue("X-Request-Id").orElse(null));
        uf.put("error", re.asMap());
        step("upload: POST " + post + " -> " + r.statusCode() + (re.code == null ? "" : " " + re.code));
        boolean duplicate = report.findings().stream().anyMatch(f -> f.id().startsWith("registry.token.")) && (r.statusCode() == 401 || r.statusCode() == 403);
        add(finding("registry.upload.refused", duplicate ? Severity.NOTE : Severity.ERROR,
                "the registry refused to start an upload to " + repo + ": HTTP " + r.statusCode()
                    + (re.message == null ? "" : ": " + firstClause(re.message, "")))
            .evidence("POST " + post + (auth == null ? " without credentials" : " with " + auth.substring(0, auth.indexOf(' ')) + " credentials")
                + " -> HTTP " + r.statusCode() + "\n" + re.quote())
            .why(duplicate ? "the registry confirms the token finding above: this is what a push would print"
                : "every layer push starts with this request; docker would print the same error")
            .fix(re.remedy != null ? re.remedy : r.statusCode() == 401 ? "log in: docker login " + registry
                : "ask the registry's admin for push on " + repo));
        return;
      }
      String location = r.headers().firstValue("Location").orElse(null);
      if (location == null) {
        add(finding("registry.upload.location", Severity.ERROR, "the registry started an upload but sent no Location")
            .evidence("POST " + post + " -> 202 without a Location header")
            .why("clients send the layer to the Location; without it no push can work").fix("report this to the registry's maintainers"));
        return;
      }
      URI loc = post.resolve(location);
      uf.put("location", loc.toString());
      HttpRequest.Builder d = HttpRequest.newBuilder(loc).DELETE();
      if (auth != null) d.header("Authorization", auth);
      int delStatus;
      try {
        delStatus = send(d).statusCode();
      } catch (IOException e) {
        delStatus = -1;
      }
      uf.put("delete", delStatus);
      String left = "";
      int getStatus = -1;
      String getCode = null;
      try {
        HttpRequest.Builder g = HttpRequest.newBuilder(loc).GET();
        if (auth != null) g.header("Authorization", auth);
        HttpResponse<byte[]> gr = send(g);
        getStatus = gr.statusCode();
        getCode = RegistryError.parse(gr.body(), null).code;
        left = "; GET -> " + getStatus + (getCode == null ? "" : " " + getCode);
      } catch (IOException ignored) {
        // the DELETE status stands on its own
      }
      uf.put("getAfterDelete", getStatus);
      step("upload: POST " + post + " -> 202 (session " + loc.getPath() + "); DELETE -> " + delStatus + left
          + (getStatus == 404 ? " (nothing left on the registry)" : ""));
      if (delStatus / 100 != 2 || (getStatus != -1 && getStatus != 404)) {
        add(finding("registry.upload.left", Severity.WARNING, "the test upload session could not be cancelled")
            .evidence("DELETE " + loc + " -> " + delStatus + (getStatus == -1 ? "" : "; GET -> " + getStatus))
            .why("an empty upload session stays on the registry until it expires (no layer data was sent)")
            .fix("nothing to do for pushes; the registry's upload expiry cleans it up"));
      }
    }

    // ---- helpers -----------------------------------------------------------------------------

    HttpResponse<byte[]> send(HttpRequest.Builder b) throws IOException {
      try {
        return http.send(b.timeout(timeout).header("User-Agent", "berth-doctor").build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted");
      }
    }

    HttpClient client(SSLContext ctx) {
      HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
          .followRedirects(HttpClient.Redirect.NORMAL);
      b.sslContext(ctx != null ? ctx : verifyingOrDefault());
      return b.build();
    }

    SSLContext verifyingOrDefault() {
      try {
        return verifying(certsD.resolve(registry).resolve("ca.crt"));
      } catch (IOException e) {
        try {
          return SSLContext.getDefault();
        } catch (java.security.GeneralSecurityException ex) {
          throw new IllegalStateException(ex);
        }
      }
    }

    Report finish() {
      report.fact("registry", facts);
      List<Finding> errors = report.findings().stream().filter(f -> f.severity() == Severity.ERROR).toList();
      String v;
      if (errors.isEmpty()) {
        v = "a push to " + shown + " would succeed";
        if (dockerWouldIgnoreTls != null) {
          v += " with docker (it skips TLS verification for this registry); clients that verify would fail: " + dockerWouldIgnoreTls;
        } else {
          long w = report.count(Severity.WARNING);
          if (w > 0) v += " (" + w + " warning(s) above)";
        }
      } else {
        v = "a push to " + shown + " would fail: " + String.join("; ", errors.stream().map(Finding::title).toList());
      }
      report.verdict(v);
      return report;
    }
  }

  // ---- TLS contexts ----------------------------------------------------------------------------

  /** The JDK's trusted CAs plus docker's {@code certs.d/HOST/ca.crt} when it exists, as the daemon would use. */
  static SSLContext verifying(Path extraCa) throws IOException {
    try {
      TrustManagerFactory def = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      def.init((KeyStore) null);
      if (!Files.isRegularFile(extraCa)) {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, def.getTrustManagers(), null);
        return ctx;
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (TrustManager tm : def.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) ks.setCertificateEntry("system-" + i++, c);
        }
      }
      try (InputStream in = Files.newInputStream(extraCa)) {
        for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("certs.d-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot build the trust store: " + e.getMessage(), e);
    }
  }

  /** Accepts any certificate (and any name): used to read the chain, and to go on after a TLS finding. */
  static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509ExtendedTrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
        @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
        @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
        @Override public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      if (t.getMessage() != null) msg = t.getMessage();
      if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) return "certificate expired or not yet valid: " + t.getMessage();
    }
    if (msg == null) msg = e.getClass().getSimpleName();
    if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) msg = "timed out: " + msg;
    return msg;
  }

  /** Up to the first "; ": berth's messages put who/what/why first and the remedy after. */
  static String firstClause(String s, String otherwise) {
    String l = firstLine(s, otherwise);
    int semi = l.indexOf("; ");
    return semi < 0 ? l : l.substring(0, semi);
  }

  static String firstLine(String s, String otherwise) {
    if (s == null || s.isBlank()) return otherwise;
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static String snippet(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
    return s;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** The first error of an OCI error envelope ({@code {"errors":[{"code","message","detail"}]}}). */
  static final class RegistryError {
    String code;
    String message;
    String remedy;
    String reason;
    String requestId;
    String raw;

    static RegistryError parse(byte[] body, String requestId) {
      RegistryError e = new RegistryError();
      e.requestId = requestId;
      try {
        JsonNode n = JSON.readTree(body);
        JsonNode first = n.path("errors").path(0);
        if (!first.isMissingNode()) {
          e.code = first.path("code").asText(null);
          e.message = first.path("message").asText(null);
          JsonNode d = first.path("detail");
          if (d.isObject()) {
            e.remedy = d.path("remedy").asText(null);
            e.reason = d.path("reason").asText(null);
            if (e.requestId == null) e.requestId = d.path("requestId").asText(null);
          }
        } else if (n.has("details") || n.has("error")) {
          e.message = n.has("details") ? n.get("details").asText() : n.get("error").asText();
        }
      } catch (IOException | RuntimeException ignored) {
        e.raw = snippet(body);
      }
      if (e.code == null && e.message == null && e.raw == null) e.raw = snippet(body);
      return e;
    }

    /** As docker prints it: {@code code: message}, plus the request id. */
    String quote() {
      StringBuilder b = new StringBuilder();
      if (message != null) {
        b.append("registry says: ").append(code == null ? "" : code.toLowerCase(Locale.ROOT) + ": ").append(message);
      } else if (raw != null && !raw.isEmpty()) {
        b.append("body: ").append(raw);
      } else {
        b.append("empty body");
      }
      if (reason != null) b.append("\nreason: ").append(reason);
      if (requestId != null) b.append("\nrequest id: ").append(requestId);
      return b.toString();
    }

    Map<String, Object> asMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("code", code);
      m.put("message", message);
      m.put("reason", reason);
      m.put("remedy", remedy);
      m.put("requestId", requestId);
      return m;
    }
  }
}
