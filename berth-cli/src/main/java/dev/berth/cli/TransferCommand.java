package dev.berth.cli;

import dev.berth.client.CopyOptions;
import dev.berth.client.CopyResult;
import dev.berth.client.Location;
import dev.berth.client.image.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What push, pull and copy share: they are all copies, with a check of which side is a registry. */
abstract class TransferCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "SRC", description = "REGISTRY/REPO[:TAG][@DIGEST], oci:DIR[:TAG] or docker-archive:FILE[:REF]")
  String source;

  @Parameters(index = "1", paramLabel = "DST", description = "REGISTRY/REPO[:TAG], oci:DIR[:TAG] or docker-archive:FILE[:REF]")
  String destination;

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
      description = "Copy only this platform of a multi-platform index (repeatable). One platform gives that platform's image manifest, several give an index of just those.")
  List<String> platforms = new ArrayList<>();

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "3", description = "Blobs transferred in parallel (default ${DEFAULT-VALUE}).")
  int jobs;

  abstract String verb();

  /** Refuses combinations that the verb does not mean (push to a file, pull from a file). */
  void check(Location src, Location dst) {}

  @Override
  public Integer call() {
    return options.run(() -> {
      Location src = Location.parse(source);
      Location dst = Location.parse(destination);
      check(src, dst);
      List<Platform> ps = platforms.stream().map(Platform::parse).toList();
      CopyResult r;
      try (ProgressPrinter progress = new ProgressPrinter(ProgressPrinter.choose(options))) {
        r = options.client().copy(src, dst, new CopyOptions(ps, jobs, progress));
      }
      if (options.json) {
        System.out.println(Json.object().put("event", "done").put("verb", verb()).put("source", src.toString())
            .put("destination", dst.toString()).put("digest", r.digest().toString()).put("mediaType", r.mediaType())
            .put("blobsCopied", r.blobsCopied()).put("blobsExisting", r.blobsExisting()).put("blobsMounted", r.blobsMounted())
            .put("bytesCopied", r.bytesCopied()).put("bytesUploaded", r.bytesUploaded()));
      } else if (!options.quiet) {
        System.out.println(verb() + " " + dst + " " + r.digest() + " (" + r.blobsCopied() + " blobs copied, "
            + r.blobsExisting() + " already there, " + r.blobsMounted() + " mounted; " + ProgressPrinter.bytes(r.bytesCopied()) + ")");
      }
      return 0;
    });
  }
}
