package dev.berth.oci.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The structured {@code detail} of an error: the same facts the one-line message tells, as fields
 * a program can read. Built fluently; keys keep their insertion order so that the JSON reads
 * well. Secrets never go in here.
 */
public final class ErrorDetail {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  public static ErrorDetail of() {
    return new ErrorDetail();
  }

  public static ErrorDetail reason(String reason) {
    return new ErrorDetail().with("reason", reason);
  }

  public ErrorDetail with(String key, Object value) {
    if (value != null) {
      fields.put(key, value);
    }
    return this;
  }

  public ErrorDetail principal(String principal) {
    return with("principal", principal);
  }

  public ErrorDetail action(String action) {
    return with("action", action);
  }

  public ErrorDetail resource(String resource) {
    return with("resource", resource);
  }

  public ErrorDetail rule(String rule) {
    return with("rule", rule);
  }

  public ErrorDetail remedy(String remedy) {
    return with("remedy", remedy);
  }

  public Object get(String key) {
    return fields.get(key);
  }

  public Map<String, Object> asMap() {
    return Collections.unmodifiableMap(fields);
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
