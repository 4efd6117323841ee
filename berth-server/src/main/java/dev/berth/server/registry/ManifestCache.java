package dev.berth.server.registry;

import dev.berth.oci.Digest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Manifest bytes by digest, bounded by total size, least recently used out first. Content is
 * immutable (addressed by digest), so entries never go stale.
 */
final class ManifestCache {
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<Digest, byte[]> map = new LinkedHashMap<>(256, 0.75f, true);

  ManifestCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(Digest d) {
    return map.get(d);
  }

  synchronized void put(Digest d, byte[] content) {
    if (content.length > maxBytes / 4) return;
    byte[] old = map.put(d, content);
    if (old != null) bytes -= old.length;
    bytes += content.length;
    var it = map.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<Digest, byte[]> e = it.next();
      bytes -= e.getValue().length;
      it.remove();
    }
  }
}
