package dev.berth.bench;

import dev.berth.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Lua scripts that make wrk push: small blobs (POST, then PUT {@code ?digest=} with the body, on
 * one connection per wrk thread so that each thread can follow its own upload's Location) and
 * tag pushes (PUT of a distinct manifest by tag). The blobs and their digests are prepared by the
 * tool in files under /dev/shm (wrk has no SHA-256), one file per thread, fresh for every run.
 */
final class WrkPush {
  /** Blobs prepared per second of a run and per connection; running out fails the run. */
  static final int BLOBS_PER_SECOND = 4000;

  private static final String COMMON = """
      local threads = {}
      function setup(thread)
        thread:set("idx", #threads)
        table.insert(threads, thread)
      end
      function hdr(extra)
        local h = {}
        for k, v in pairs(wrk.headers) do h[k] = v end
        for k, v in pairs(extra) do h[k] = v end
        return h
      end
      function done(summary, latency, requests)
        local u, e, r = 0, 0, 0
        for _, t in ipairs(threads) do
          u = u + t:get("units"); e = e + t:get("errors"); r = r + t:get("ran_out")
        end
        io.write(string.format("%s units=%%d errors=%%d ran_out=%%d\\n", u, e, r))
      end
      """.formatted(Wrk.UNITS);

  private static final String SMALL_BLOBS = """
      repo = "%s"; file = "%s"; size = %d
      function init(args)
        local f = assert(io.open(file .. idx, "rb"))
        data = f:read("*a"); f:close()
        rec = 71 + size
        total = math.floor(#data / rec)
        n = 0; post = true; location = nil
        units = 0; errors = 0; ran_out = 0
      end
      function request()
        if post then
          return wrk.format("POST", "/v2/" .. repo .. "/blobs/uploads/", hdr({}), "")
        end
        local off = n * rec
        local digest = string.sub(data, off + 1, off + 71)
        local body = string.sub(data, off + 72, off + rec)
        local sep = "?"
        if string.find(location, "?", 1, true) then sep = "&" end
        return wrk.format("PUT", location .. sep .. "digest=" .. digest, hdr({["Content-Type"] = "application/octet-stream"}), body)
      end
      function response(status, headers, body)
        if post then
          local loc = headers["Location"] or headers["location"]
          if status ~= 202 or loc == nil then
            errors = errors + 1
            wrk.thread:stop()
            return
          end
          location = string.gsub(loc, "^https?://[^/]+", "")
          post = false
        else
          if status == 201 then units = units + 1 else errors = errors + 1 end
          n = n + 1
          post = true
          if n >= total then
            ran_out = 1
            wrk.thread:stop()
          end
        end
      end
      """;

  private static final String TAG_PUSH = """
      repo = "%s"; template = [[%s]]; mediaType = "%s"
      function init(args)
        n = 0; units = 0; errors = 0; ran_out = 0
      end
      function request()
        n = n + 1
        local id = idx .. "-" .. n
        return wrk.format("PUT", "/v2/" .. repo .. "/manifests/v" .. id, hdr({["Content-Type"] = mediaType}), string.format(template, id))
      end
      function response(status, headers, body)
        if status == 201 then units = units + 1 else errors = errors + 1 end
      end
      """;

  private WrkPush() {}

  /** Small blobs prepared in files for {@code connections} threads, removed by {@link #close}. */
  record Prepared(Path dir, String lua) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  static Prepared smallBlobs(String repo, int size, int connections, double seconds, LongSupplier seeds) throws IOException {
    Path shm = Path.of("/dev/shm");
    Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, "berth-bench-") : Files.createTempDirectory("berth-bench-");
    int perThread = (int) Math.ceil(BLOBS_PER_SECOND * Math.max(1, seconds) / connections) + 64;
    for (int t = 0; t < connections; t++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve("blobs-" + t))) {
        for (int i = 0; i < perThread; i++) {
          byte[] b = new Payload(size, seeds.getAsLong()).bytes(0, size);
          out.write(Digest.sha256(b).toString().getBytes(StandardCharsets.US_ASCII));
          out.write(b);
        }
      }
    }
    return new Prepared(dir, COMMON + SMALL_BLOBS.formatted(repo, dir.resolve("blobs-"), size));
  }

  /**
   * A script that pushes distinct manifests by tag ({@code v<thread>-<n>}); {@code manifest} is
   * the JSON with {@code @N@} where each request puts its own value.
   */
  static String tagPush(String repo, String manifest, String mediaType) {
    if (!manifest.contains("@N@") || manifest.contains("]]")) throw new IllegalArgumentException("manifest template: " + manifest);
    String template = manifest.replace("%", "%%").replace("@N@", "%s");
    return COMMON + TAG_PUSH.formatted(repo, template, mediaType);
  }
}
