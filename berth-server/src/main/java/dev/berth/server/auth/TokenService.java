package dev.berth.server.auth;

import dev.berth.oci.RepositoryName;
import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The token endpoint of the Docker token authentication spec and its OAuth2 form: {@code GET
 * /token?service=&scope=&account=&offline_token=} with Basic credentials or none, and {@code POST
 * /token} with {@code grant_type=password|refresh_token}. It grants the subset of the requested
 * actions the caller may have. When nothing at all can be granted it refuses, with the same
 * explanation the registry would give, because that is the message the client prints.
 */
public final class TokenService {
  private final Authenticator authenticator;
  private final Policy policy;
  private final TokenSigner signer;
  private final LoginThrottle throttle;
  private final RegistryAccessControl access;
  private final Duration ttl;
  private final Duration refreshTtl;
  private final Clock clock;

  public TokenService(Authenticator authenticator, Policy policy, TokenSigner signer, LoginThrottle throttle,
      RegistryAccessControl access, Duration ttl, Duration refreshTtl, Clock clock) {
    this.authenticator = authenticator;
    this.policy = policy;
    this.signer = signer;
    this.throttle = throttle;
    this.access = access;
    this.ttl = ttl;
    this.refreshTtl = refreshTtl;
    this.clock = clock;
  }

  /**
   * @param post whether this is the OAuth2 POST form
   * @param params query (GET) or form (POST) parameters, all values of a name
   * @return the JSON response body
   */
  public Map<String, Object> handle(Caller c, boolean post, Function<String, List<String>> params) {
    String service = first(params, "service");
    if (service != null && !service.equals(signer.service())) {
      throw new RegistryException(ErrorCode.UNSUPPORTED, "token requested for service \"" + service + "\", but this registry's service is \""
          + signer.service() + "\"; use the service named in the registry's WWW-Authenticate challenge",
          ErrorDetail.reason("service_mismatch"), 400, null);
    }
    List<Scope> scopes = new ArrayList<>();
    for (String s : params.apply("scope")) {
      for (String one : s.trim().split(" ")) {
        if (one.isBlank()) continue;
        try {
          scopes.add(Scope.parse(one));
        } catch (IllegalArgumentException e) {
          throw new RegistryException(ErrorCode.UNSUPPORTED, "invalid scope \"" + one + "\": expected type:name:actions such as repository:hoge/fuga:pull,push",
              ErrorDetail.reason("scope_invalid"), 400, null);
        }
      }
    }
    Principal principal;
    boolean offline;
    String grantType = post ? first(params, "grant_type") : null;
    if (post && "refresh_token".equals(grantType)) {
      String rt = first(params, "refresh_token");
      if (rt == null) throw bad("grant_type=refresh_token needs refresh_token");
      try {
        TokenSigner.Verified v = signer.verify(rt);
        if (!v.refresh()) throw bad("the refresh_token is an access token, not a refresh token");
        principal = authenticator.fromSubject(v.subject(), v.issued(), true);
      } catch (TokenSigner.InvalidToken e) {
        throw denied(c, e.reason(), "a refresh token", "the refresh token was refused: " + e.getMessage().replace("bearer token", "refresh token"),
            "log in again: docker login / berth login");
      } catch (AuthFailure f) {
        throw denied(c, f.reason(), f.principal(), f.getMessage(), f.remedy());
      }
      offline = false;
    } else if (post && "password".equals(grantType)) {
      principal = login(c, first(params, "username"), first(params, "password"));
      offline = "offline".equals(first(params, "access_type"));
    } else if (post) {
      throw bad("unsupported grant_type \"" + grantType + "\"; use password or refresh_token");
    } else {
      String h = c.header("Authorization");
      if (h != null && h.regionMatches(true, 0, "Basic ", 0, 6)) {
        String[] up = Authenticator.decodeBasic(h.substring(6));
        if (up == null) throw bad("the Basic credentials are not base64 of user:password");
        principal = login(c, up[0], up[1]);
      } else {
        principal = Principal.ANONYMOUS;
      }
      offline = "true".equals(first(params, "offline_token"));
    }

    List<TokenSigner.Access> granted = new ArrayList<>();
    Policy.Decision firstDenial = null;
    String firstDenied = null;
    Scope firstDeniedScope = null;
    boolean requested = false;
    for (Scope s : scopes) {
      Set<String> want = new LinkedHashSet<>();
      for (String a : s.actions()) {
        if (a.equals("*")) want.addAll(Policy.ACTIONS); else want.add(a);
      }
      if (want.isEmpty()) continue;
      requested = true;
      Set<String> got = new LinkedHashSet<>();
      if (s.type().equals("repository")) {
        if (RepositoryName.violation(s.name()) != null) {
          RepositoryName.parse(s.name()); // throws NAME_INVALID with the rule
        }
        for (String a : RegistryAccessControl.byIntent(want)) {
          Policy.Decision d = policy.decide(principal, s.name(), a);
          if (d.allowed()) {
            got.add(a);
          } else if (firstDenial == null) {
            firstDenial = d;
            firstDenied = a;
            firstDeniedScope = s;
          }
        }
      } else if (s.type().equals("registry") && s.name().equals("catalog") && !principal.isAnonymous()) {
        got.add("*");
      }
      if (!got.isEmpty()) granted.add(new TokenSigner.Access(s.type(), s.name(), got));
    }
    if (requested && granted.isEmpty() && firstDenial != null) {
      // Nothing to give: refuse here, with the explanation, since this is what the client prints.
      RegistryException refusal = Denials.refuse(principal, firstDenied, firstDeniedScope.name(), firstDenial, ClientInfo.parse(c.header("User-Agent")), false);
      access.audit(c, principal.subject(), firstDenied, "repository:" + firstDeniedScope.name(), "denied", firstDenial.reason(), refusal.getMessage());
      throw refusal;
    }
    String token = signer.issue(principal.subject(), granted, ttl);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(post ? "access_token" : "token", token);
    if (!post) body.put("access_token", token);
    else body.put("token_type", "Bearer");
    body.put("expires_in", ttl.toSeconds());
    body.put("issued_at", Instant.now(clock).toString());
    if (post) {
      List<String> sc = new ArrayList<>();
      for (TokenSigner.Access a : granted) sc.add(a.type() + ":" + a.name() + ":" + String.join(",", a.actions()));
      body.put("scope", String.join(" ", sc));
    }
    if (offline && (principal.kind() == Principal.Kind.USER || principal.kind() == Principal.Kind.ROBOT)) {
      body.put("refresh_token", signer.issueRefresh(principal.subject(), refreshTtl));
    }
    return body;
  }

  private Principal login(Caller c, String user, String password) {
    if (user == null || password == null) throw bad("username and password are required");
    access.checkThrottle(c);
    try {
      Principal p = authenticator.login(user, password);
      throttle.succeeded(c.remoteAddress());
      return p;
    } catch (AuthFailure f) {
      throttle.failed(c.remoteAddress());
      throw denied(c, f.reason(), f.principal(), f.getMessage(), f.remedy());
    }
  }

  private RegistryException denied(Caller c, String reason, String principal, String message, String remedy) {
    access.audit(c, principal, "login", "token", "denied", reason, message);
    return new RegistryException(ErrorCode.UNAUTHORIZED, message + "; " + remedy,
        ErrorDetail.reason(reason).principal(principal).remedy(remedy).with("client", ClientInfo.parse(c.header("User-Agent")).describe()),
        401, null);
  }

  private static RegistryException bad(String message) {
    return new RegistryException(ErrorCode.UNSUPPORTED, "token request invalid: " + message, ErrorDetail.reason("token_request_invalid"), 400, null);
  }

  private static String first(Function<String, List<String>> params, String name) {
    List<String> v = params.apply(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
