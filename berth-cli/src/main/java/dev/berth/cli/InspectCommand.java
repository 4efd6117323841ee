package dev.berth.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.image.Manifest;
import dev.berth.client.image.Platform;
import dev.berth.oci.Descriptor;
import dev.berth.oci.manifest.ParsedManifest;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "inspect", mixinStandardHelpOptions = true, description = {
    "Show an image: its digest, media type, platforms or layers. Works on registries, oci: and docker-archive: alike.",
    "  --raw     the manifest bytes exactly as stored",
    "  --config  the image config JSON (for an index, of --platform or this machine's platform)",
    "  --json    a summary as JSON"})
final class InspectCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REF") String reference;

  @ArgGroup(exclusive = true)
  What what = new What();

  static final class What {
    @Option(names = "--raw", description = "Print the manifest exactly as stored.") boolean raw;
    @Option(names = "--config", description = "Print the image config.") boolean config;
  }

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "Which image of an index --config reads.")
  String platform;

  @Override
  public Integer call() {
    return options.run(() -> {
      var client = options.client();
      if (what.config) {
        byte[] cfg = client.config(reference, platform == null ? null : Platform.parse(platform));
        System.out.write(cfg);
        System.out.println();
        System.out.flush();
        return 0;
      }
      Manifest m = client.manifest(reference);
      if (what.raw) {
        System.out.write(m.bytes());
        System.out.flush();
        return 0;
      }
      ParsedManifest pm = m.parsed();
      ObjectNode n = Json.object();
      n.put("reference", reference);
      n.put("digest", m.digest().toString());
      n.put("mediaType", m.mediaType());
      n.put("size", m.bytes().length);
      if (pm.isIndex()) {
        ArrayNode ms = n.putArray("manifests");
        for (Descriptor d : pm.manifests()) {
          ObjectNode c = ms.addObject().put("digest", d.digest().toString()).put("mediaType", d.mediaType()).put("size", d.size());
          if (d.platform() != null) c.put("platform", d.platform().toString());
        }
      } else {
        n.put("config", pm.config().digest().toString());
        long total = 0;
        ArrayNode ls = n.putArray("layers");
        for (Descriptor d : pm.layers()) {
          ls.addObject().put("digest", d.digest().toString()).put("mediaType", d.mediaType()).put("size", d.size());
          total += d.size();
        }
        n.put("layersSize", total);
        try {
          JsonNode cfg = Json.MAPPER.readTree(client.config(reference, null));
          n.put("platform", cfg.path("os").asText("?") + "/" + cfg.path("architecture").asText("?")
              + (cfg.path("variant").isTextual() ? "/" + cfg.path("variant").asText() : ""));
          if (cfg.path("created").isTextual()) n.put("created", cfg.path("created").asText());
        } catch (RuntimeException e) {
          // a config that is not an image config (an artifact): show the manifest alone
        }
      }
      if (options.json) {
        System.out.println(n);
        return 0;
      }
      System.out.println("Digest:     " + n.path("digest").asText());
      System.out.println("Media type: " + n.path("mediaType").asText());
      if (pm.isIndex()) {
        System.out.println("Platforms:");
        for (JsonNode c : n.path("manifests")) {
          System.out.println("  " + String.format("%-16s", c.path("platform").asText("(none)")) + " " + c.path("digest").asText());
        }
      } else {
        if (n.has("platform")) System.out.println("Platform:   " + n.path("platform").asText());
        if (n.has("created")) System.out.println("Created:    " + n.path("created").asText());
        System.out.println("Config:     " + n.path("config").asText());
        System.out.println("Layers:     " + pm.layers().size() + " (" + ProgressPrinter.bytes(n.path("layersSize").asLong()) + ")");
        for (JsonNode l : n.path("layers")) {
          System.out.println("  " + l.path("digest").asText() + "  " + ProgressPrinter.bytes(l.path("size").asLong()));
        }
      }
      return 0;
    });
  }
}
