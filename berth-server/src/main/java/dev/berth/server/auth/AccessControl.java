package dev.berth.server.auth;

import dev.berth.oci.Scope;
import dev.berth.server.http.Exchange;

/**
 * Decides whether a request may do what it asks. {@link #require} throws a RegistryException
 * (UNAUTHORIZED with a challenge, or DENIED) whose message explains the refusal.
 */
public interface AccessControl {

  /** {@code GET /v2/}: is the caller authenticated (or is anonymous access fine)? */
  void requireBase(Exchange ex);

  /** Throws unless every action of the scope is allowed. */
  void require(Exchange ex, Scope scope);

  /** Whether every action of the scope is allowed (no exception, no audit of a denial). */
  boolean allows(Exchange ex, Scope scope);

  /** {@code --auth none}: everything is allowed. For throwaway local use only. */
  AccessControl NONE = new AccessControl() {
    @Override
    public void requireBase(Exchange ex) {}

    @Override
    public void require(Exchange ex, Scope scope) {}

    @Override
    public boolean allows(Exchange ex, Scope scope) {
      return true;
    }
  };
}
