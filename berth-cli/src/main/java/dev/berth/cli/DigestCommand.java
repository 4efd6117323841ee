package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "digest", mixinStandardHelpOptions = true, description = "Print the digest of the manifest a reference names (a HEAD request; no data moves).")
final class DigestCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REF") String reference;

  @Override
  public Integer call() {
    return options.run(() -> {
      var d = options.client().digest(reference);
      if (options.json) System.out.println(Json.object().put("reference", reference).put("digest", d.toString()));
      else System.out.println(d);
      return 0;
    });
  }
}
