package dev.berth.oci;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An access scope as in the Docker token spec: {@code repository:hoge/fuga:pull,push}, or
 * {@code registry:catalog:*}.
 */
public record Scope(String type, String name, Set<String> actions) {
  public static final String PULL = "pull";
  public static final String PUSH = "push";
  public static final String DELETE = "delete";

  public static Scope repository(String name, String... actions) {
    return new Scope("repository", name, new LinkedHashSet<>(Arrays.asList(actions)));
  }

  public static Scope catalog() {
    return new Scope("registry", "catalog", Set.of("*"));
  }

  /** Parses {@code type:name:actions}; the name may itself contain ':' (e.g. a port). */
  public static Scope parse(String s) {
    int first = s.indexOf(':');
    int last = s.lastIndexOf(':');
    if (first < 0 || last == first) {
      throw new IllegalArgumentException("scope \"" + s + "\" is not type:name:actions");
    }
    Set<String> actions = new LinkedHashSet<>();
    for (String a : s.substring(last + 1).split(",")) {
      if (!a.isBlank()) actions.add(a.trim());
    }
    return new Scope(s.substring(0, first), s.substring(first + 1, last), actions);
  }

  @Override
  public String toString() {
    return type + ":" + name + ":" + String.join(",", actions);
  }
}
