package dev.berth.server.auth;

import dev.berth.oci.Scope;
import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access control of a registry with users: authenticates each request once (Basic, or a
 * Bearer token from {@link TokenService}), decides with {@link Policy}, and refuses with a message
 * that names who asked, for what, which rule refused, and how to fix it. Every denial is audited.
 */
public final class RegistryAccessControl implements AccessControl {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryAccessControl.class);

  /** How clients are challenged. */
  public enum Mode { TOKEN, BASIC }

  private final Mode mode;
  private final String realmOverride;
  private final Authenticator authenticator;
  private final Policy policy;
  private final TokenSigner signer;
  private final LoginThrottle throttle;
  private final AuthStore store;
  private final Clock clock;

  public RegistryAccessControl(Mode mode, String realmOverride, AuthStore store, Authenticator authenticator, Policy policy,
      TokenSigner signer, LoginThrottle throttle, Clock clock) {
    this.mode = mode;
    this.realmOverride = realmOverride;
    this.store = store;
    this.authenticator = authenticator;
    this.policy = policy;
    this.signer = signer;
    this.throttle = throttle;
    this.clock = clock;
  }

  /** The authentication of one request. */
  record State(Principal principal, TokenSigner.Verified token, AuthFailure failure) {}

  State state(Caller c) {
    Object s = c.authState();
    if (s instanceof State st) return st;
    State st = authenticate(c);
    c.authState(st);
    return st;
  }

  private State authenticate(Caller c) {
    String h = c.header("Authorization");
    if (h == null || h.isBlank()) return new State(Principal.ANONYMOUS, null, null);
    String value = h.trim();
    int sp = value.indexOf(' ');
    String scheme = sp < 0 ? value : value.substring(0, sp);
    String cred = sp < 0 ? "" : value.substring(sp + 1).trim();
    if (scheme.equalsIgnoreCase("Bearer")) {
      try {
        TokenSigner.Verified v = signer.verify(cred);
        if (v.refresh()) {
          return new State(null, null, new AuthFailure("refresh_token_as_access", "a refresh token",
              "a refresh token was sent where an access token belongs", "exchange it at the token endpoint (POST grant_type=refresh_token)"));
        }
        return new State(authenticator.fromSubject(v.subject(), v.issued(), false), v, null);
      } catch (TokenSigner.InvalidToken e) {
        return new State(null, null, new AuthFailure(e.reason(), "a bearer token", e.getMessage(), "log in again; clients fetch tokens from " + "the token service by themselves"));
      } catch (AuthFailure f) {
        return new State(null, null, f);
      }
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      String[] up = Authenticator.decodeBasic(cred);
      if (up == null) {
        return new State(null, null, new AuthFailure("basic_malformed", "someone", "the Basic credentials are not base64 of user:password", "log in again"));
      }
      checkThrottle(c);
      try {
        Principal p = authenticator.login(up[0], up[1]);
        throttle.succeeded(c.remoteAddress());
        return new State(p, null, null);
      } catch (AuthFailure f) {
        throttle.failed(c.remoteAddress());
        return new State(null, null, f);
      }
    }
    return new State(null, null, new AuthFailure("scheme_unsupported", "someone",
        "authorization scheme \"" + scheme + "\" is not supported; use Basic or a Bearer token from the token service", "log in again"));
  }

  void checkThrottle(Caller c) {
    Instant until = throttle.blockedUntil(c.remoteAddress());
    if (until != null) {
      long secs = Math.max(1, Duration.between(clock.instant(), until).toSeconds());
      throw new RegistryException(ErrorCode.TOOMANYREQUESTS,
          "too many failed logins from " + c.remoteAddress() + " (" + throttle.failures(c.remoteAddress()) + " in a row); retry in " + secs + " s, after "
              + DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(until.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
              + " UTC, with the right password or token",
          ErrorDetail.reason("login_throttled").with("retryAfterSeconds", secs).remedy("check the credentials your client sends, then wait " + secs + " s"),
          429, null).withHeader("Retry-After", Long.toString(secs));
    }
  }

  @Override
  public void requireBase(Caller c) {
    State s = state(c);
    if (s.failure() != null) throw unauthorized(c, null, s.failure().getMessage(), s.failure().reason(), s.failure().principal(), s.failure().remedy(), true);
    if (s.principal().isAnonymous() && s.token() == null) {
      throw unauthorized(c, null, "authentication required: this registry needs a login", "no_credentials", "anonymous",
          "log in: docker login " + host(c) + " (or berth login " + host(c) + ")", false);
    }
  }

  @Override
  public boolean allows(Caller c, Scope scope) {
    try {
      State s = state(c);
      if (s.failure() != null) return false;
      for (String action : scope.actions()) {
        if (!decide(s, scope, action).allowed()) return false;
      }
      return true;
    } catch (RegistryException e) {
      return false;
    }
  }

  private Policy.Decision decide(State s, Scope scope, String action) {
    if (scope.type().equals("registry")) {
      boolean ok = !s.principal().isAnonymous();
      return new Policy.Decision(ok, ok ? "authenticated" : "no_credentials", null,
          ok ? null : "listing the catalog needs a login", ok ? null : "log in first");
    }
    if (s.token() != null) {
      // A bearer token allows exactly what it lists; require() explains what it lacks.
      for (TokenSigner.Access a : s.token().access()) {
        if (a.type().equals(scope.type()) && a.name().equals(scope.name()) && a.actions().contains(action)) {
          return new Policy.Decision(true, "token", "bearer token", null, null);
        }
      }
      return new Policy.Decision(false, "token_lacks_action", "bearer token", null, null);
    }
    return policy.decide(s.principal(), scope.name(), action);
  }

  @Override
  public void require(Caller c, Scope scope) {
    State s = state(c);
    String resource = scope.type() + ":" + scope.name();
    if (s.failure() != null) {
      audit(c, s.failure().principal(), String.join(",", scope.actions()), resource, "denied", s.failure().reason(), s.failure().getMessage());
      throw unauthorized(c, scope, s.failure().getMessage(), s.failure().reason(), s.failure().principal(), s.failure().remedy(), true);
    }
    for (String action : byIntent(scope.actions())) {
      Policy.Decision d = decide(s, scope, action);
      if (d.allowed()) continue;
      Principal p = s.principal();
      if (s.token() != null) {
        Policy.Decision now = policy.decide(p, scope.name(), action);
        if (now.allowed()) {
          // The token is just narrower than what the principal may do: let the client fetch one with this scope.
          throw unauthorized(c, scope, "the bearer token presented does not include " + action + " on " + scope.name()
              + "; fetch a token for scope " + scope + " (clients do this by themselves)", "insufficient_scope", p.describe(), "retry the request", false)
              .withHeader("WWW-Authenticate", challenge(c, scope, "insufficient_scope"));
        }
        d = now;
      }
      ClientInfo client = ClientInfo.parse(c.header("User-Agent"));
      RegistryException refusal = Denials.refuse(p, action, scope.name(), d, client, s.token() != null);
      audit(c, p.subject(), action, resource, "denied", d.reason(), refusal.getMessage());
      if (p.isAnonymous()) refusal.withHeader("WWW-Authenticate", challenge(c, scope, null));
      throw refusal;
    }
  }

  /** Actions in the order that names the caller's intent first: push, delete, then pull. */
  static java.util.List<String> byIntent(java.util.Collection<String> actions) {
    java.util.List<String> l = new java.util.ArrayList<>(actions);
    l.sort(java.util.Comparator.comparingInt(a -> switch (a) {
      case "push" -> 0;
      case "delete" -> 1;
      case "pull" -> 3;
      default -> 2;
    }));
    return l;
  }

  static String verb(String action, String repo) {
    return switch (action) {
      case "push" -> "push to " + repo;
      case "pull" -> "pull from " + repo;
      case "delete" -> "delete in " + repo;
      default -> action + " on " + repo;
    };
  }

  private RegistryException unauthorized(Caller c, Scope scope, String message, String reason, String principal, String remedy, boolean invalidToken) {
    String full = message + (remedy == null ? "" : "; " + remedy);
    ErrorDetail d = ErrorDetail.reason(reason).principal(principal).remedy(remedy)
        .with("client", ClientInfo.parse(c.header("User-Agent")).describe());
    if (scope != null) d.resource(scope.type() + ":" + scope.name()).action(String.join(",", scope.actions()));
    return new RegistryException(ErrorCode.UNAUTHORIZED, full, d, 401, null)
        .withHeader("WWW-Authenticate", challenge(c, scope, invalidToken && mode == Mode.TOKEN ? "invalid_token" : null));
  }

  /** The WWW-Authenticate challenge for this request. */
  public String challenge(Caller c, Scope scope, String error) {
    if (mode == Mode.BASIC) return "Basic realm=\"berth\"";
    StringBuilder b = new StringBuilder("Bearer realm=\"").append(realm(c)).append("\",service=\"").append(signer.service()).append('"');
    if (scope != null) b.append(",scope=\"").append(scope).append('"');
    if (error != null) b.append(",error=\"").append(error).append('"');
    return b.toString();
  }

  public String realm(Caller c) {
    if (realmOverride != null) return realmOverride;
    return c.scheme() + "://" + host(c) + "/token";
  }

  static String host(Caller c) {
    String h = c.header("Host");
    return h == null || h.isBlank() ? "localhost" : h;
  }

  void audit(Caller c, String principal, String action, String resource, String decision, String reason, String message) {
    try {
      store.audit(new AuthStore.AuditEntry(0, clock.instant(), c.requestId(), principal == null ? "unknown" : principal,
          ClientInfo.parse(c.header("User-Agent")).describe(), c.remoteAddress(), action, resource, decision, reason, message));
    } catch (RuntimeException e) {
      LOG.warn("could not write the audit log: {}", e.toString());
    }
  }

  @Override
  public Principal requireAdmin(Caller c) {
    State s = state(c);
    if (s.failure() != null) {
      throw unauthorized(c, null, s.failure().getMessage(), s.failure().reason(), s.failure().principal(), s.failure().remedy(), true);
    }
    Principal p = s.principal();
    if (p.isAnonymous()) {
      throw unauthorized(c, null, "the admin API needs an administrator's credentials; none were sent", "no_credentials", "anonymous",
          "log in as an administrator: berth login " + host(c) + " -u admin", false);
    }
    boolean admin = (p.kind() == Principal.Kind.USER || p.kind() == Principal.Kind.ROBOT)
        && store.user(p.name()).map(AuthStore.User::admin).orElse(false);
    if (!admin) {
      String msg = "admin API refused: " + p.describe() + " is not an administrator; ask one to run the command, or to make you one: berth user add NAME --admin";
      audit(c, p.subject(), "admin", "admin-api", "denied", "not_admin", msg);
      throw new RegistryException(ErrorCode.DENIED, msg,
          ErrorDetail.reason("not_admin").principal(p.describe()).action("admin").resource("admin-api").remedy("use an administrator's login"), 403, null);
    }
    return p;
  }

  @Override
  public void recordWrite(Caller c, String action, String resource, String detail) {
    State s = state(c);
    String who = s.principal() == null ? "unknown" : s.principal().subject();
    audit(c, who, action, resource, "allowed", null, detail);
  }
}
