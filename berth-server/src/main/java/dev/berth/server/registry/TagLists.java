package dev.berth.server.registry;

import dev.berth.oci.RepositoryName;
import dev.berth.server.meta.MetadataStore;
import dev.berth.server.meta.MetadataStore.TagSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tag lists from memory, never stale. Each request reads the repository's tag version (one
 * primary-key read, see {@link MetadataStore#tagVersion}); while it equals the version of the
 * cached list, the list and its serialized body are reused, otherwise the whole list is read
 * again in one snapshot. Because the version lives in the metadata store and changes in the same
 * transaction as the tags, this stays correct when several replicas share one database.
 *
 * <p>The cache is bounded by the total number of tag names it holds, least recently used out
 * first. A repository with more names than the bound is not cached: a whole list of it is read
 * from the store every time, and a page of it ({@link #page}) reads only that page, so that paging
 * through a huge repository never holds all its names at once.
 */
public final class TagLists {
  private final MetadataStore meta;
  private final long maxNames;
  private long names;
  private final LinkedHashMap<RepositoryName, Listing> cache = new LinkedHashMap<>(64, 0.75f, true);
  /** Repositories last read with more names than the bound. */
  private final Set<RepositoryName> oversized = ConcurrentHashMap.newKeySet();

  public TagLists(MetadataStore meta, long maxNames) {
    this.meta = meta;
    this.maxNames = maxNames;
  }

  /** The repository's tags, or empty when the repository does not exist. */
  public Optional<Listing> get(RepositoryName repo) {
    Listing cached;
    synchronized (this) {
      cached = cache.get(repo);
    }
    Optional<Long> version = meta.tagVersion(repo);
    if (version.isEmpty()) return Optional.empty();
    if (cached != null && cached.version == version.get()) return Optional.of(cached);
    Optional<TagSnapshot> read = meta.tagSnapshot(repo);
    if (read.isEmpty()) return Optional.empty();
    Listing fresh = new Listing(repo, read.get().version(), read.get().tags().toArray(String[]::new));
    remember(repo, fresh);
    return Optional.of(fresh);
  }

  /**
   * At most {@code n} tags after {@code last} (exclusive; null = from the start), or empty when the
   * repository does not exist.
   */
  public Optional<List<String>> page(RepositoryName repo, String last, int n) {
    if (oversized.contains(repo)) {
      if (meta.tagVersion(repo).isEmpty()) {
        oversized.remove(repo);
        return Optional.empty();
      }
      return Optional.of(meta.tags(repo, last, n));
    }
    return get(repo).map(l -> l.page(last, n));
  }

  private synchronized void remember(RepositoryName repo, Listing fresh) {
    if (fresh.tags.length > maxNames) {
      oversized.add(repo);
      return;
    }
    oversized.remove(repo);
    Listing old = cache.get(repo);
    if (old != null && old.version > fresh.version) return; // a concurrent request read a newer one
    cache.put(repo, fresh);
    names += fresh.tags.length - (old == null ? 0 : old.tags.length);
    var it = cache.entrySet().iterator();
    while (names > maxNames && it.hasNext()) {
      Map.Entry<RepositoryName, Listing> e = it.next();
      names -= e.getValue().tags.length;
      it.remove();
    }
  }

  /** One version of a repository's tags, in lexical order. Immutable. */
  public static final class Listing {
    private final RepositoryName repo;
    private final long version;
    private final String[] tags;
    private volatile byte[] json;

    Listing(RepositoryName repo, long version, String[] tags) {
      this.repo = repo;
      this.version = version;
      this.tags = tags;
    }

    public int size() {
      return tags.length;
    }

    /** At most {@code n} tags after {@code last} (exclusive; null = from the start). */
    public List<String> page(String last, int n) {
      int from = 0;
      if (last != null) {
        int i = Arrays.binarySearch(tags, last);
        from = i >= 0 ? i + 1 : -i - 1;
      }
      int to = (int) Math.min(tags.length, (long) from + Math.max(0, n));
      return Arrays.asList(tags).subList(from, to);
    }

    /** {@code {"name":…,"tags":[…]}} with every tag; built once per version. */
    public byte[] json() {
      byte[] b = json;
      if (b == null) json = b = json(Arrays.asList(tags));
      return b;
    }

    /** {@code {"name":…,"tags":[…]}} with {@code page}. */
    public byte[] json(List<String> page) {
      return TagLists.json(repo, page);
    }
  }

  /** {@code {"name":…,"tags":[…]}} with {@code page}. */
  public static byte[] json(RepositoryName repo, List<String> page) {
    StringBuilder s = new StringBuilder(32 + repo.value().length() + page.size() * 24);
    s.append("{\"name\":");
    quote(s, repo.value());
    s.append(",\"tags\":[");
    for (int i = 0; i < page.size(); i++) {
      if (i > 0) s.append(',');
      quote(s, page.get(i));
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** A JSON string. Names and tags are ASCII without quotes or backslashes, but never trust that here. */
  private static void quote(StringBuilder s, String v) {
    s.append('"');
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '"' || c == '\\') s.append('\\').append(c);
      else if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
      else s.append(c);
    }
    s.append('"');
  }
}
