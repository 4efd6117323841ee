package dev.berth.cli;

import dev.berth.client.CopyOptions;
import dev.berth.client.CopyResult;
import dev.berth.client.Location;
import dev.berth.client.RegistryClient;
import dev.berth.client.build.BuiltImage;
import dev.berth.client.build.ImageBuilder;
import dev.berth.client.image.Platform;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "build", description = {
    "Build an image from a Dockerfile without a daemon, reproducibly: the same context gives the same digest.",
    "Supports FROM (an image or scratch), COPY/ADD of local files (--chown, --chmod, --from=STAGE), ENV, ARG, WORKDIR,",
    "USER, LABEL, EXPOSE, ENTRYPOINT, CMD, SHELL, VOLUME, STOPSIGNAL, multi-stage builds and .dockerignore. RUN is refused:",
    "nothing is executed. Layer entries get the time SOURCE_DATE_EPOCH (else 1970-01-01) and owner 0:0 unless --chown.",
    "",
    "Examples:",
    "  berth build -t registry.example.com/team/app:1.0 .",
    "  berth build -f docker/Dockerfile -t oci:./build/image:1.0 -t 127.0.0.1:5000/app:1 ."},
    mixinStandardHelpOptions = true)
final class BuildCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "CONTEXT", description = "The build context directory (what COPY reads).")
  Path context;

  @Option(names = {"-f", "--file"}, paramLabel = "DOCKERFILE", description = "The Dockerfile (default CONTEXT/Dockerfile).")
  Path file;

  @Option(names = {"-t", "--tag"}, paramLabel = "DST",
      description = "Where the image goes (repeatable): REGISTRY/REPO[:TAG] is pushed, oci:DIR:TAG is written, docker-archive:FILE[:REF] too.")
  List<String> tags = new ArrayList<>();

  @Option(names = "--build-arg", paramLabel = "KEY=VALUE", description = "A value for an ARG (repeatable).")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", defaultValue = "linux/amd64",
      description = "The platform to take from multi-platform base images (default ${DEFAULT-VALUE}).")
  String platform;

  @Option(names = "--target", paramLabel = "STAGE", description = "Build this stage rather than the last one.")
  String target;

  @Option(names = {"-j", "--jobs"}, paramLabel = "N", defaultValue = "3", description = "Blobs transferred in parallel (default ${DEFAULT-VALUE}).")
  int jobs;

  @Override
  public Integer call() {
    return options.run(() -> {
      List<Location> destinations = tags.stream().map(Location::parse).toList();
      Map<String, String> args = new LinkedHashMap<>();
      for (String a : buildArgs) {
        int eq = a.indexOf('=');
        if (eq <= 0) {
          String v = ClientOptions.env().get(a);
          if (v == null) throw new UserError("--build-arg " + a + ": neither KEY=VALUE nor the name of a set environment variable");
          args.put(a, v);
        } else {
          args.put(a.substring(0, eq), a.substring(eq + 1));
        }
      }
      long epoch = 0;
      String sde = ClientOptions.env().get("SOURCE_DATE_EPOCH");
      if (sde != null && !sde.isBlank()) {
        try {
          epoch = Long.parseLong(sde.trim());
        } catch (NumberFormatException e) {
          throw new UserError("SOURCE_DATE_EPOCH=" + sde + " is not a number of seconds since 1970-01-01");
        }
      }
      RegistryClient client = options.client();
      ImageBuilder.Options o = new ImageBuilder.Options(context, file, args, Platform.parse(platform), target, epoch);
      try (BuiltImage image = ImageBuilder.build(client, o)) {
        if (options.json) {
          System.out.println(Json.object().put("event", "built").put("digest", image.digest().toString()));
        } else if (!options.quiet) {
          System.out.println("built " + image.digest());
        }
        for (Location dst : destinations) {
          CopyResult r;
          try (ProgressPrinter progress = new ProgressPrinter(ProgressPrinter.choose(options))) {
            r = client.copy(image, dst, new CopyOptions(List.of(), jobs, progress));
          }
          if (options.json) {
            System.out.println(Json.object().put("event", "done").put("verb", "built").put("destination", dst.toString())
                .put("digest", r.digest().toString()).put("blobsCopied", r.blobsCopied()).put("blobsExisting", r.blobsExisting())
                .put("blobsMounted", r.blobsMounted()).put("bytesCopied", r.bytesCopied()));
          } else if (!options.quiet) {
            System.out.println("wrote " + dst + " " + r.digest() + " (" + r.blobsCopied() + " blobs copied, " + r.blobsExisting()
                + " already there, " + r.blobsMounted() + " mounted)");
          }
        }
      }
      return 0;
    });
  }
}
