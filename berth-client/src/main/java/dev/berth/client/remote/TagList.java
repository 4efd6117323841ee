package dev.berth.client.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code GET /v2/<name>/tags/list}, following {@code Link: <…>; rel="next"} pages. */
public final class TagList {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private TagList() {}

  public static List<String> call(Repo repo) {
    String what = "list tags of " + repo.name();
    List<String> tags = new ArrayList<>();
    URI uri = repo.uri("tags/list?n=1000");
    for (int page = 0; uri != null && page < 10_000; page++) {
      HttpResponse<InputStream> r = repo.send(what, repo.request(uri).GET().build());
      if (r.statusCode() != 200) throw repo.error(what, r);
      try (InputStream in = r.body()) {
        JsonNode n = JSON.readTree(in.readNBytes(64 << 20));
        for (JsonNode t : n.path("tags")) tags.add(t.asText());
      } catch (IOException e) {
        throw dev.berth.client.transport.RegistryErrors.fromIo(what, e, repo.registry());
      }
      uri = null;
      for (String link : r.headers().allValues("Link")) {
        Matcher m = NEXT.matcher(link);
        if (m.find()) uri = repo.location(m.group(1));
      }
    }
    return tags;
  }
}
