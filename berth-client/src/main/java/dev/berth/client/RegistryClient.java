package dev.berth.client;

import dev.berth.client.auth.Credential;
import dev.berth.client.auth.DockerConfig;
import dev.berth.client.auth.Keychain;
import dev.berth.client.error.Category;
import dev.berth.client.error.ClientException;
import dev.berth.client.image.ImageSink;
import dev.berth.client.image.ImageSource;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Platform;
import dev.berth.client.layout.DockerArchive;
import dev.berth.client.layout.OciLayout;
import dev.berth.client.remote.ManifestDelete;
import dev.berth.client.remote.ManifestFetch;
import dev.berth.client.remote.ManifestPush;
import dev.berth.client.remote.RemoteContext;
import dev.berth.client.remote.RemoteSink;
import dev.berth.client.remote.RemoteSource;
import dev.berth.client.remote.Repo;
import dev.berth.client.remote.TagList;
import dev.berth.client.transport.RegistryErrors;
import dev.berth.client.transport.RetryPolicy;
import dev.berth.client.transport.Transport;
import dev.berth.client.transport.UserAgentTransport;
import dev.berth.oci.Descriptor;
import dev.berth.oci.Digest;
import dev.berth.oci.Reference;
import dev.berth.oci.Tag;
import dev.berth.oci.manifest.ParsedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * berth's registry client: one method per verb, like crane. Images are named by
 * {@link Location} strings: a registry reference, {@code oci:DIR[:TAG]} or
 * {@code docker-archive:FILE[:REF]}. Every failure is a {@link ClientException} that says what
 * failed, why and what to do. Thread-safe; one instance shares its connection pool, token cache and
 * scheme probes across calls.
 */
public final class RegistryClient {
  private final RemoteContext ctx;

  private RegistryClient(RemoteContext ctx) {
    this.ctx = ctx;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Copies an image (or index) from one location to another; push and pull are copies. */
  public CopyResult copy(String source, String destination, CopyOptions options) {
    return copy(Location.parse(source), Location.parse(destination), options);
  }

  public CopyResult copy(Location source, Location destination, CopyOptions options) {
    AtomicLong uploaded = new AtomicLong();
    try (ImageSource src = open(source); ImageSink dst = sink(destination, src, uploaded)) {
      return new Copier(src, dst, options).run(uploaded);
    }
  }

  /**
   * Gives the image {@code source} names another tag in the same repository, or another
   * repository on the same registry (blobs are mounted there); no layer data moves. Returns the
   * manifest's digest.
   */
  public Digest tag(String source, String newTag) {
    Reference src = registryRef(source, "tag");
    Reference dst;
    if (Tag.isValid(newTag)) {
      dst = src.withTag(newTag);
    } else {
      dst = registryRef(newTag, "tag");
      if (!dst.registry().equals(src.registry())) {
        throw ClientException.of(Category.USAGE, "tag " + src + " as " + newTag, "the new name is on another registry, and tagging moves no data",
            "use berth copy " + source + " " + newTag);
      }
      if (dst.tag() == null) throw ClientException.of(Category.USAGE, "tag " + src + " as " + newTag, "the new name has no tag", null);
    }
    if (!dst.repository().equals(src.repository())) {
      return copy(new Location.Registry(src), new Location.Registry(dst), CopyOptions.defaults()).digest();
    }
    Repo repo = ctx.repo(src.registry(), src.repository(), Set.of("pull", "push"), List.of());
    Manifest m = ManifestFetch.get(repo, src.identifier());
    ManifestPush.call(repo, m, dst.tag());
    return m.digest();
  }

  /** The tags of a repository, in the registry's order. */
  public List<String> tags(String repository) {
    Reference r = registryRef(repository.contains(":") && !repository.contains("/") ? repository : repository, "list tags of");
    return TagList.call(ctx.repo(r.registry(), r.repository(), Set.of("pull"), List.of()));
  }

  /** The manifest (or index) a location names, byte-exact. */
  public Manifest manifest(String location) {
    try (ImageSource src = open(Location.parse(location))) {
      return src.root();
    }
  }

  /**
   * The config blob of the image a location names; for an index, the image for {@code platform}
   * (the current one when null).
   */
  public byte[] config(String location, Platform platform) {
    try (ImageSource src = open(Location.parse(location))) {
      Manifest m = src.root();
      if (m.isIndex()) {
        Platform want = platform == null ? Platform.current() : platform;
        ParsedManifest pi = m.parsed();
        Descriptor child = pi.manifests().stream().filter(d -> want.matches(d.platform())).findFirst()
            .orElseThrow(() -> ClientException.of(Category.NOT_FOUND, "read the config of " + location,
                "the index has no image for " + want + "; it has " + pi.manifests().stream().map(d -> String.valueOf(d.platform())).toList(),
                "choose one with --platform"));
        m = src.manifest(child);
      }
      Descriptor cfg = m.parsed().config();
      try (InputStream in = src.blob(cfg).open(0)) {
        byte[] bytes = in.readNBytes((int) Math.min(cfg.size() + 1, 64L << 20));
        if (bytes.length != cfg.size() || !Digest.of(cfg.digest().algorithm(), bytes).equals(cfg.digest())) {
          throw ClientException.of(Category.INTEGRITY, "read the config of " + location, "it does not match its digest " + cfg.digest(), "retry");
        }
        return bytes;
      } catch (IOException e) {
        throw ClientException.builder(Category.NETWORK, "read the config of " + location).why(e.toString()).cause(e).build();
      }
    }
  }

  /** The digest of the manifest a location names (a HEAD request for a registry). */
  public Digest digest(String location) {
    Location l = Location.parse(location);
    if (l instanceof Location.Registry r) {
      Reference ref = r.reference();
      Repo repo = ctx.repo(ref.registry(), ref.repository(), Set.of("pull"), List.of());
      return ManifestFetch.head(repo, ref.identifier()).map(Descriptor::digest)
          .orElseThrow(() -> ClientException.of(Category.NOT_FOUND, "get the digest of " + ref, "the registry has no such manifest",
              "check the name and tag: berth tags " + ref.registry() + "/" + ref.repository()));
    }
    return manifest(location).digest();
  }

  /**
   * Deletes the manifest a reference names; by tag, the tag is resolved first and the manifest
   * it points at is deleted (with every tag pointing at it). Returns the deleted digest.
   */
  public Digest delete(String reference) {
    Reference ref = registryRef(reference, "delete");
    Repo repo = ctx.repo(ref.registry(), ref.repository(), Set.of("pull", "delete"), List.of());
    Digest d = ref.digest() != null ? ref.digest() : ManifestFetch.head(repo, ref.tag()).map(Descriptor::digest)
        .orElseThrow(() -> ClientException.of(Category.NOT_FOUND, "delete " + ref, "there is no such tag", "list the tags: berth tags " + ref.registry() + "/" + ref.repository()));
    ManifestDelete.call(repo, d);
    return d;
  }

  /**
   * Checks a credential against a registry (as {@code docker login} does: {@code GET /v2/}, with a
   * token fetched when the registry asks for one) and, when it works, stores it in the docker
   * config. Returns where it was stored.
   */
  public String login(String registry, Credential credential, DockerConfig config) {
    String host = DockerConfig.normalizeKey(registry);
    ctx.authCache().reset(host);
    Keychain only = r -> Optional.of(credential);
    Transport t = ctx.registryTransport(host, only);
    String what = "log in to " + host + " as " + credential.username();
    try {
      HttpResponse<InputStream> r = t.send(HttpRequest.newBuilder(ctx.base(host).resolve("/v2/")).timeout(Duration.ofSeconds(60)).GET().build());
      if (r.statusCode() != 200) {
        ClientException e = RegistryErrors.fromResponse(what, r, host);
        if (r.statusCode() == 401) {
          throw ClientException.builder(Category.AUTH, what).why("the registry refused the user name or password: " + e.why())
              .code(e.registryCode()).status(401).requestId(e.requestId())
              .remedy("check the user name and password (or token) and try again").build();
        }
        throw e;
      }
      Transport.discard(r);
    } catch (IOException e) {
      throw RegistryErrors.fromIo(what, e, host);
    } finally {
      ctx.authCache().reset(host);
    }
    return config.store(host, credential);
  }

  /** Removes the stored login for a registry; false when there was none. */
  public boolean logout(String registry, DockerConfig config) {
    ctx.authCache().reset(DockerConfig.normalizeKey(registry));
    return config.erase(registry);
  }

  /** Opens a location for reading. The caller closes it. */
  public ImageSource open(Location l) {
    return switch (l) {
      case Location.Registry r -> new RemoteSource(ctx, r.reference());
      case Location.OciLayout o -> new OciLayout.Source(o.dir(), o.tag());
      case Location.DockerArchive a -> new DockerArchive.Source(a.file(), a.reference());
    };
  }

  private ImageSink sink(Location l, ImageSource src, AtomicLong uploaded) {
    return switch (l) {
      case Location.Registry r -> new RemoteSink(ctx, r.reference(), src, uploaded);
      case Location.OciLayout o -> new OciLayout.Sink(o.dir(), o.tag() != null ? o.tag() : src.nameForArchive().map(RegistryClient::tagOf).orElse(null));
      case Location.DockerArchive a -> {
        DockerArchive.Sink s = new DockerArchive.Sink(a.file(), a.reference() == null ? null : shortName(a.reference()));
        src.nameForArchive().ifPresent(s::defaultName);
        yield s;
      }
    };
  }

  private static String tagOf(String name) {
    int colon = name.lastIndexOf(':');
    return colon >= 0 && name.indexOf('/', colon) < 0 ? name.substring(colon + 1) : name;
  }

  /** docker's short name for RepoTags: no docker.io/library/ prefix. */
  private static String shortName(String ref) {
    Reference r = Reference.parse(ref);
    String repo = r.repository().toString();
    String tag = r.tag() == null ? "latest" : r.tag();
    if (r.registry().equals(Reference.DOCKER_HUB)) {
      return (repo.startsWith("library/") ? repo.substring(8) : repo) + ":" + tag;
    }
    return r.registry() + "/" + repo + ":" + tag;
  }

  private static Reference registryRef(String s, String verb) {
    Location l = Location.parse(s);
    if (l instanceof Location.Registry r) return r.reference();
    throw ClientException.of(Category.USAGE, verb + " " + s, "this works on registry references only", "name an image as REGISTRY/REPO:TAG");
  }

  /** Configures a {@link RegistryClient}. */
  public static final class Builder {
    private Keychain keychain = Keychain.ANONYMOUS;
    private String version = "dev";
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Set<String> insecure = Set.of();
    private long chunkSize = 16L << 20;

    public Builder keychain(Keychain k) {
      this.keychain = k;
      return this;
    }

    /** berth's version for the User-Agent. */
    public Builder version(String v) {
      this.version = v;
      return this;
    }

    public Builder retry(RetryPolicy r) {
      this.retry = r;
      return this;
    }

    /** Registries ({@code host[:port]}) that may be spoken to over plain HTTP. */
    public Builder insecureRegistries(Set<String> s) {
      this.insecure = s;
      return this;
    }

    /** Upload chunk size; blobs up to this size go in one request. */
    public Builder chunkSize(long bytes) {
      this.chunkSize = bytes;
      return this;
    }

    public RegistryClient build() {
      return new RegistryClient(new RemoteContext(keychain, UserAgentTransport.userAgent(version), retry, insecure, chunkSize));
    }
  }

}
