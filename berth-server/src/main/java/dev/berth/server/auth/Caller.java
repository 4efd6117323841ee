package dev.berth.server.auth;

/** What access control may know of a request: its headers, where it came from, its id. */
public interface Caller {
  String header(String name);

  String remoteAddress();

  String requestId();
}
