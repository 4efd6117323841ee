package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "tag", mixinStandardHelpOptions = true, description = {
    "Tag an image in the registry without moving data: the manifest is re-put under the new tag.",
    "",
    "Examples:",
    "  berth tag 127.0.0.1:5000/app:1.0.3 1.0",
    "  berth tag 127.0.0.1:5000/app:1.0.3 127.0.0.1:5000/app:stable"})
final class TagCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "SRC") String source;

  @Parameters(index = "1", paramLabel = "NEWTAG", description = "A tag, or a full reference on the same registry") String newTag;

  @Override
  public Integer call() {
    return options.run(() -> {
      var d = options.client().tag(source, newTag);
      if (options.json) System.out.println(Json.object().put("source", source).put("tag", newTag).put("digest", d.toString()));
      else if (!options.quiet) System.out.println("tagged " + newTag + " -> " + d);
      return 0;
    });
  }
}
