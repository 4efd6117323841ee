package dev.berth.server.http;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler: gives every request an id, routes it to its resource, and hands every
 * failure to {@link ErrorWriter}. Runs handlers on virtual threads (it is a blocking handler).
 */
public final class RegistryHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(RegistryHandler.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("berth.access");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Resources resources;

  public RegistryHandler(Resources resources) {
    super(InvocationType.BLOCKING);
    this.resources = resources;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    byte[] idBytes = new byte[8];
    RANDOM.nextBytes(idBytes);
    String requestId = HexFormat.of().formatHex(idBytes);
    Exchange ex = new Exchange(request, response, requestId);
    response.getHeaders().put("X-Request-Id", requestId);
    response.getHeaders().put("Docker-Distribution-API-Version", "registry/2.0");
    long t0 = System.nanoTime();
    try {
      dispatch(ex);
      callback.succeeded();
    } catch (Throwable t) {
      if (Exchange.isClientGone(t)) {
        LOG.debug("request {}: client went away: {}", requestId, t.toString());
        callback.failed(t);
      } else {
        try {
          ErrorWriter.write(ex, t);
          callback.succeeded();
        } catch (ErrorWriter.AbortResponse abort) {
          callback.failed(abort.getCause());
        }
      }
    } finally {
      if (ACCESS.isDebugEnabled()) {
        ACCESS.debug("{} {} {} {} {}µs", requestId, request.getMethod(), request.getHttpURI().getPathQuery(), response.getStatus(),
            (System.nanoTime() - t0) / 1000);
      }
    }
    return true;
  }

  private void dispatch(Exchange ex) throws Exception {
    String path = ex.request().getHttpURI().getPath();
    Route route = path == null ? null : Route.match(path);
    if (route == null) {
      throw new RegistryException(ErrorCode.NAME_UNKNOWN,
          "no registry resource at " + (path == null ? "" : path.length() > 200 ? path.substring(0, 200) + "…" : path)
              + "; the registry API lives under /v2/ (for example /v2/<repository>/manifests/<tag>)",
          ErrorDetail.reason("route_unknown"), 404, null);
    }
    String method = ex.method();
    resources.minimumClients().check(ex);
    switch (route.kind()) {
      case TOKEN -> resources.tokens().handle(ex, only(ex, method, "GET", "POST"));
      case ADMIN -> resources.admin().handle(ex, route.reference());
      case BASE -> only(ex, method, "GET", "HEAD").base(ex, route, resources);
      case CATALOG -> resources.listings().catalog(ex, only(ex, method, "GET"));
      case TAGS -> resources.listings().tags(ex, route, only(ex, method, "GET"));
      case REFERRERS -> resources.listings().referrers(ex, route, only(ex, method, "GET"));
      case MANIFEST -> resources.manifests().handle(ex, route, method);
      case BLOB -> resources.blobs().handle(ex, route, method);
      case UPLOAD_START -> resources.uploads().start(ex, route, only(ex, method, "POST"));
      case UPLOAD -> resources.uploads().handle(ex, route, method);
    }
  }

  /** Checks the method; returns a token so calls read as a pipeline. */
  static Allowed only(Exchange ex, String method, String... allowed) {
    if (!Set.of(allowed).contains(method)) {
      throw methodNotAllowed(ex, method, allowed);
    }
    return Allowed.INSTANCE;
  }

  static RegistryException methodNotAllowed(Exchange ex, String method, String... allowed) {
    return new RegistryException(ErrorCode.UNSUPPORTED,
        method + " is not supported on " + ex.request().getHttpURI().getPath() + "; allowed: " + String.join(", ", allowed),
        ErrorDetail.reason("method_not_allowed").with("allowed", java.util.List.of(allowed)), 405, null)
        .withHeader("Allow", String.join(", ", allowed));
  }

  /** Proof that the method was checked. */
  enum Allowed {
    INSTANCE;

    void base(Exchange ex, Route route, Resources r) throws Exception {
      r.access().requireBase(ex);
      ex.sendJson(200, java.util.Map.of());
    }
  }
}
