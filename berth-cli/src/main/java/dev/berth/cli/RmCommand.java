package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true, description = {
    "Delete the manifest a reference names from the registry.",
    "By tag, the tag is resolved first and the manifest it points at is deleted, with every tag that points at it."})
final class RmCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REF") String reference;

  @Override
  public Integer call() {
    return options.run(() -> {
      var d = options.client().delete(reference);
      if (options.json) System.out.println(Json.object().put("reference", reference).put("deleted", d.toString()));
      else if (!options.quiet) System.out.println("deleted " + d);
      return 0;
    });
  }
}
