package dev.berth.server.auth;

/** What access control may know of a request: its headers, where it came from, its id. */
public interface Caller {
  String header(String name);

  String remoteAddress();

  String requestId();

  /** "http" or "https", as the client sees it (honours X-Forwarded-Proto). */
  String scheme();

  /** Per-request storage for the authentication result, so it is computed once. */
  Object authState();

  void authState(Object state);
}
