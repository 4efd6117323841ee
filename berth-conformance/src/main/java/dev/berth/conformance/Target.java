package dev.berth.conformance;

import java.net.URI;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A registry the suite runs against.
 *
 * @param name a human name used in every skip and failure message (e.g. "distribution 2.8")
 * @param baseUri scheme, host and port, such as {@code http://127.0.0.1:5000}; paths {@code /v2/...}
 *     are resolved against it
 * @param namespace the first path component(s) of every repository the suite creates, so that a
 *     shared registry can grant the suite one namespace (default {@code conformance})
 * @param credentials what to present when the registry answers 401 (Basic, or the Docker token flow)
 * @param capabilities the optional behaviours the target declares; see {@link Capability}
 * @param limitations capabilities the target is known to lack, each with the reason (e.g.
 *     "distribution 2.8 does not implement the OCI 1.1 referrers API"); the reason is the skip
 *     message. For a capability the spec requires, listing it here is what turns a failure into a
 *     skip.
 */
public record Target(
    String name,
    URI baseUri,
    String namespace,
    Optional<Credentials> credentials,
    Set<Capability> capabilities,
    Map<Capability, String> limitations) {

  public Target {
    if (baseUri.getPath() != null && !baseUri.getPath().isEmpty() && !baseUri.getPath().equals("/")) {
      throw new IllegalArgumentException("base URI must not have a path (the suite adds /v2/...): " + baseUri);
    }
    baseUri = URI.create(baseUri.getScheme() + "://" + baseUri.getRawAuthority());
    capabilities = Collections.unmodifiableSet(capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities));
    limitations = Collections.unmodifiableMap(limitations.isEmpty() ? new EnumMap<>(Capability.class) : new EnumMap<>(limitations));
    for (Capability c : limitations.keySet()) {
      if (capabilities.contains(c)) throw new IllegalArgumentException(c + " is both declared and listed as a limitation");
    }
  }

  public static Builder builder(String name, URI baseUri) {
    return new Builder(name, baseUri);
  }

  public boolean declares(Capability capability) {
    return capabilities.contains(capability);
  }

  /**
   * Whether a test must find {@code capability}: declared, or required by the spec and not recorded
   * as a known limitation of this target.
   */
  public boolean expects(Capability capability) {
    return declares(capability) || (capability.requiredBySpec() && !limitations.containsKey(capability));
  }

  /** The sentence a skip message starts with when the target lacks {@code capability}. */
  public String lacks(Capability capability) {
    String known = limitations.get(capability);
    if (known != null) return known.startsWith(name) ? known : name + ": " + known;
    return name + " does not declare " + capability.description();
  }

  @Override
  public String toString() {
    return name + " at " + baseUri;
  }

  public static final class Builder {
    private final String name;
    private final URI baseUri;
    private String namespace = "conformance";
    private Credentials credentials;
    private final Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    private final Map<Capability, String> limitations = new EnumMap<>(Capability.class);

    private Builder(String name, URI baseUri) {
      this.name = name;
      this.baseUri = baseUri;
    }

    public Builder namespace(String ns) {
      this.namespace = ns;
      return this;
    }

    public Builder credentials(Credentials c) {
      this.credentials = c;
      return this;
    }

    public Builder declares(Capability... cs) {
      for (Capability c : cs) capabilities.add(c);
      return this;
    }

    public Builder declaresAll() {
      capabilities.addAll(EnumSet.allOf(Capability.class));
      return this;
    }

    /** Records that the target lacks {@code c} and why; the reason appears in the skip message. */
    public Builder lacks(Capability c, String why) {
      capabilities.remove(c);
      limitations.put(c, why);
      return this;
    }

    public Target build() {
      return new Target(name, baseUri, namespace, Optional.ofNullable(credentials), capabilities, limitations);
    }
  }
}
