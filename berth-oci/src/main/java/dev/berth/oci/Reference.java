package dev.berth.oci;

import java.util.Locale;

/**
 * An image reference as users type it, with docker's rules: {@code [registry[:port]/]repository[:tag][@digest]}.
 * The first path component is a registry when it contains a '.' or ':' or is {@code localhost};
 * otherwise the registry is {@code docker.io}, and a single-component name there gets
 * {@code library/}. Without tag or digest the tag is {@code latest}.
 */
public record Reference(String registry, RepositoryName repository, String tag, Digest digest) {
  public static final String DOCKER_HUB = "docker.io";

  public Reference {
    if (tag != null) Tag.check(tag);
  }

  public static Reference parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("an image reference is empty; expected [registry/]repository[:tag][@digest]");
    }
    String rest = s.trim();
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("invalid image reference \"" + s + "\": " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    String registry = DOCKER_HUB;
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase(Locale.ROOT))) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon >= 0 && rest.indexOf('/', colon) < 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!Tag.isValid(tag)) {
        throw new IllegalArgumentException("invalid image reference \"" + s + "\": tag \"" + tag + "\" must be 1 to 128 characters of [a-zA-Z0-9._-], not starting with '.' or '-'");
      }
    }
    if (registry.equals("index.docker.io") || registry.equals("registry-1.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && rest.indexOf('/') < 0) {
      rest = "library/" + rest;
    }
    String why = RepositoryName.violation(rest);
    if (why != null) {
      throw new IllegalArgumentException("invalid image reference \"" + s + "\": repository \"" + rest + "\": " + why);
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new Reference(registry, new RepositoryName(rest), tag, digest);
  }

  /** The tag or, when a digest is given, the digest: what goes after /manifests/. */
  public String identifier() {
    return digest != null ? digest.toString() : tag;
  }

  public Reference withTag(String newTag) {
    return new Reference(registry, repository, newTag, null);
  }

  public Reference withDigest(Digest d) {
    return new Reference(registry, repository, null, d);
  }

  /** The auth scope for the given actions, e.g. {@code repository:hoge/fuga:pull,push}. */
  public String scope(String actions) {
    return "repository:" + repository + ":" + actions;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) b.append(':').append(tag);
    if (digest != null) b.append('@').append(digest);
    return b.toString();
  }
}
