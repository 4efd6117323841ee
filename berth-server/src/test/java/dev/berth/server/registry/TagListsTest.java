package dev.berth.server.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.Digest;
import dev.berth.oci.RepositoryName;
import dev.berth.server.meta.ManifestRecord;
import dev.berth.server.meta.SqliteMetadataStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tag lists and their pages are the same whether a repository fits the cache or not; a repository
 * over the bound is paged from the store, one page at a time, and a change shows at once.
 */
class TagListsTest {
  private static final RepositoryName SMALL = new RepositoryName("hoge/small");
  private static final RepositoryName BIG = new RepositoryName("hoge/big");
  @TempDir Path dir;

  private static void push(SqliteMetadataStore meta, RepositoryName repo, String tag) {
    Digest d = Digest.sha256((repo + ":" + tag).getBytes(UTF_8));
    meta.putManifest(repo, new ManifestRecord(d, "application/vnd.oci.image.manifest.v1+json", 10, null, null,
        List.of(), List.of(), Map.of(), null), tag);
  }

  private static List<String> pageAll(TagLists lists, RepositoryName repo, int n) {
    List<String> all = new ArrayList<>();
    String last = null;
    for (List<String> page; !(page = lists.page(repo, last, n).orElseThrow()).isEmpty(); last = page.getLast()) {
      assertThat(page.size()).isLessThanOrEqualTo(n);
      all.addAll(page);
    }
    return all;
  }

  @Test
  void aRepositoryOverTheBoundIsPagedFromTheStoreWithTheSameAnswers() {
    try (SqliteMetadataStore meta = SqliteMetadataStore.open(dir.resolve("meta.db"))) {
      for (int i = 0; i < 5; i++) push(meta, SMALL, String.format("s%02d", i));
      for (int i = 0; i < 25; i++) push(meta, BIG, String.format("b%02d", i));
      TagLists lists = new TagLists(meta, 10);
      List<String> big = meta.tags(BIG, null, Integer.MAX_VALUE);
      assertThat(lists.get(BIG).orElseThrow().page(null, Integer.MAX_VALUE)).isEqualTo(big);
      assertThat(pageAll(lists, BIG, 7)).isEqualTo(big);
      assertThat(lists.page(BIG, "b03", 2)).contains(List.of("b04", "b05"));
      assertThat(pageAll(lists, SMALL, 2)).isEqualTo(meta.tags(SMALL, null, Integer.MAX_VALUE));

      push(meta, BIG, "b99");
      assertThat(lists.page(BIG, "b24", 5)).as("a new tag shows at once").contains(List.of("b99"));
      assertThat(lists.page(new RepositoryName("hoge/none"), null, 5)).isEmpty();
      assertThat(TagLists.json(BIG, List.of("b00", "b01"))).asString(UTF_8).isEqualTo("{\"name\":\"hoge/big\",\"tags\":[\"b00\",\"b01\"]}");
    }
  }
}
