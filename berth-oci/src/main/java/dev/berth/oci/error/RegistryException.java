package dev.berth.oci.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one exception that becomes an error response: an OCI code, a one-line message a person
 * understands (who, what, why, fix), a structured detail, and optionally a status other than the
 * code's own and extra response headers (for example {@code Range} on a 416).
 */
public class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;
  private final transient ErrorDetail detail;
  private final int status;
  private final transient Map<String, String> headers;

  public RegistryException(ErrorCode code, String message) {
    this(code, message, ErrorDetail.of(), code.status(), null);
  }

  public RegistryException(ErrorCode code, String message, ErrorDetail detail) {
    this(code, message, detail, code.status(), null);
  }

  public RegistryException(
      ErrorCode code, String message, ErrorDetail detail, int status, Throwable cause) {
    super(message, cause, false, false);
    this.code = code;
    this.detail = detail == null ? ErrorDetail.of() : detail;
    this.status = status;
    this.headers = new LinkedHashMap<>();
  }

  public ErrorCode code() {
    return code;
  }

  public ErrorDetail detail() {
    return detail;
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** Returns a copy answering with another HTTP status. */
  public RegistryException withStatus(int newStatus) {
    RegistryException e = new RegistryException(code, getMessage(), detail, newStatus, getCause());
    e.headers.putAll(headers);
    return e;
  }

  public RegistryException withHeader(String name, String value) {
    headers.put(name, value);
    return this;
  }
}
