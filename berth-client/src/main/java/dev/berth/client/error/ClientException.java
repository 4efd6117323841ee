package dev.berth.client.error;

import java.util.ArrayList;
import java.util.List;

/**
 * Every failure the client reports: what failed, why (the registry's own code and message, the
 * HTTP status, the request id when there is one), and what to do. The fields stay separate so that
 * callers can branch on them and the CLI can render them as text or JSON; {@link #getMessage()} is
 * the one-line form. Never put credentials in any field.
 */
public class ClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Category category;
  private final String what;
  private final String why;
  private final String registryCode;
  private final int status;
  private final String requestId;
  private final String remedy;

  private ClientException(Builder b) {
    super(oneLine(b.what, b.why, b.registryCode, b.status), b.cause);
    this.category = b.category;
    this.what = b.what;
    this.why = b.why;
    this.registryCode = b.registryCode;
    this.status = b.status;
    this.requestId = b.requestId;
    this.remedy = b.remedy;
  }

  public static Builder builder(Category category, String what) {
    return new Builder(category, what);
  }

  /** Shorthand for the common case without an HTTP exchange. */
  public static ClientException of(Category category, String what, String why, String remedy) {
    return builder(category, what).why(why).remedy(remedy).build();
  }

  private static String oneLine(String what, String why, String code, int status) {
    StringBuilder s = new StringBuilder(what);
    if (why != null && !why.isEmpty()) s.append(": ").append(why);
    List<String> tail = new ArrayList<>();
    if (code != null) tail.add(code);
    if (status > 0) tail.add("HTTP " + status);
    if (!tail.isEmpty()) s.append(" (").append(String.join(", ", tail)).append(')');
    return s.toString();
  }

  public Category category() {
    return category;
  }

  /** What was being done, e.g. {@code push blob sha256:… to 127.0.0.1:5000/hoge/app}. */
  public String what() {
    return what;
  }

  /** Why it failed: the registry's message, or the local cause. */
  public String why() {
    return why;
  }

  /** The registry's error code ({@code DENIED}, {@code MANIFEST_UNKNOWN}…), or null. */
  public String registryCode() {
    return registryCode;
  }

  /** The HTTP status, or 0 when no response was received. */
  public int status() {
    return status;
  }

  /** The registry's request id ({@code X-Request-Id} and friends), or null. */
  public String requestId() {
    return requestId;
  }

  /** What the user can do about it, or null. */
  public String remedy() {
    return remedy;
  }

  /** A copy that says what failed in a caller's words, keeping everything else. */
  public ClientException during(String newWhat) {
    return new Builder(category, newWhat).why(why).code(registryCode).status(status).requestId(requestId)
        .remedy(remedy).cause(getCause()).build();
  }

  /** The three-part rendering: what failed → why → what to do. */
  public String render() {
    StringBuilder s = new StringBuilder(what);
    if (why != null && !why.isEmpty()) s.append("\n  why: ").append(why);
    List<String> facts = new ArrayList<>();
    if (registryCode != null) facts.add("code " + registryCode);
    if (status > 0) facts.add("HTTP " + status);
    if (requestId != null) facts.add("request id " + requestId);
    if (!facts.isEmpty()) s.append(" (").append(String.join(", ", facts)).append(')');
    if (remedy != null && !remedy.isEmpty()) s.append("\n  fix: ").append(remedy);
    return s.toString();
  }

  /** Builds a {@link ClientException}. */
  public static final class Builder {
    private final Category category;
    private final String what;
    private String why;
    private String registryCode;
    private int status;
    private String requestId;
    private String remedy;
    private Throwable cause;

    private Builder(Category category, String what) {
      this.category = category;
      this.what = what;
    }

    public Builder why(String v) { this.why = v; return this; }
    public Builder code(String v) { this.registryCode = v; return this; }
    public Builder status(int v) { this.status = v; return this; }
    public Builder requestId(String v) { this.requestId = v; return this; }
    public Builder remedy(String v) { this.remedy = v; return this; }
    public Builder cause(Throwable v) { this.cause = v; return this; }

    public ClientException build() {
      return new ClientException(this);
    }
  }
}
