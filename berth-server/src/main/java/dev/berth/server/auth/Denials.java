package dev.berth.server.auth;

import dev.berth.oci.error.ErrorCode;
import dev.berth.oci.error.ErrorDetail;
import dev.berth.oci.error.RegistryException;

/**
 * Builds the refusal of an action from a policy decision: one line the docker CLI prints
 * ({@code who/what → why → fix}), the same facts as detail fields, and the right code: anonymous
 * callers get UNAUTHORIZED (they should log in), authenticated ones DENIED.
 */
final class Denials {
  private Denials() {}

  static String message(Principal p, String action, String repo, Policy.Decision d, ClientInfo client, boolean viaToken) {
    StringBuilder msg = new StringBuilder(RegistryAccessControl.verb(action, repo)).append(" refused: ").append(d.why());
    if (p.isAnonymous() && !action.equals("pull")) {
      String skew = client.dockerSkew();
      if (skew != null) {
        msg.append(". Y").append(skew.substring(1)).append("; fix: install a docker CLI matching the daemon");
        return msg.toString();
      }
      msg.append("; if docker login said Login Succeeded, the login was lost between the docker CLI and the daemon (berth doctor registry checks this)");
    } else if (viaToken && !p.isAnonymous()) {
      msg.append(", so its token does not include ").append(action);
    }
    return msg.append("; ").append(d.remedy()).toString();
  }

  static RegistryException refuse(Principal p, String action, String repo, Policy.Decision d, ClientInfo client, boolean viaToken) {
    String msg = message(p, action, repo, d, client, viaToken);
    ErrorDetail detail = ErrorDetail.reason(d.reason()).principal(p.describe()).action(action).resource("repository:" + repo)
        .rule(d.rule()).remedy(d.remedy()).with("client", client.describe());
    String skew = client.dockerSkew();
    if (skew != null) detail.with("clientSkew", skew);
    return p.isAnonymous()
        ? new RegistryException(ErrorCode.UNAUTHORIZED, msg, detail, 401, null)
        : new RegistryException(ErrorCode.DENIED, msg, detail, 403, null);
  }
}
