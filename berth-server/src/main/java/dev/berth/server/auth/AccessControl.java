package dev.berth.server.auth;

import dev.berth.oci.Scope;

/**
 * Decides whether a request may do what it asks. {@link #require} throws a RegistryException
 * (UNAUTHORIZED with a challenge, or DENIED) whose message explains the refusal.
 */
public interface AccessControl {

  /** {@code GET /v2/}: is the caller authenticated (or is anonymous access fine)? */
  void requireBase(Caller ex);

  /** Throws unless every action of the scope is allowed. */
  void require(Caller ex, Scope scope);

  /** Whether every action of the scope is allowed (no exception, no audit of a denial). */
  boolean allows(Caller ex, Scope scope);

  /** The admin API: throws unless the caller is an administrator; returns who it is. */
  default Principal requireAdmin(Caller ex) {
    return Principal.ANONYMOUS;
  }

  /** Records a write that happened (push, tag move, delete) in the audit log. */
  default void recordWrite(Caller ex, String action, String resource, String detail) {}

  /** {@code --auth none}: everything is allowed. For throwaway local use only. */
  AccessControl NONE = new AccessControl() {
    @Override
    public void requireBase(Caller ex) {}

    @Override
    public void require(Caller ex, Scope scope) {}

    @Override
    public boolean allows(Caller ex, Scope scope) {
      return true;
    }
  };
}
