package dev.berth.doctor.env;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one machine looks like to a build that makes and pushes images: flat {@code key → value}
 * facts ({@code docker.client.version = 20.10.24+dfsg1}), in collection order. Absent keys mean
 * "not installed / not found". Lists are comma-separated.
 */
public final class EnvSnapshot {
  private final Map<String, String> values = new LinkedHashMap<>();

  public EnvSnapshot put(String key, String value) {
    if (value != null && !value.isBlank()) values.put(key, value.strip());
    return this;
  }

  public String get(String key) {
    return values.get(key);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Version version(String key) {
    return Version.parse(values.get(key));
  }

  public Map<String, String> asMap() {
    return new LinkedHashMap<>(values);
  }

  public Map<String, String> sorted() {
    return new TreeMap<>(values);
  }
}
