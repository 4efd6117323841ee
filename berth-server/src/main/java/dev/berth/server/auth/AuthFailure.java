package dev.berth.server.auth;

/** Credentials were presented and refused: why (a sentence), a stable reason code, and the fix. */
public final class AuthFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final String reason;
  private final String remedy;
  private final String principal;

  public AuthFailure(String reason, String principal, String message, String remedy) {
    super(message, null, false, false);
    this.reason = reason;
    this.principal = principal;
    this.remedy = remedy;
  }

  public String reason() {
    return reason;
  }

  public String remedy() {
    return remedy;
  }

  /** Who the credentials claimed to be (never the secret). */
  public String principal() {
    return principal;
  }
}
