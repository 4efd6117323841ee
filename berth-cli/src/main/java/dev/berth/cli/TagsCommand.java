package dev.berth.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "tags", mixinStandardHelpOptions = true, description = "List a repository's tags, one per line.")
final class TagsCommand implements Callable<Integer> {
  @Mixin ClientOptions options;

  @Parameters(index = "0", paramLabel = "REPO", description = "REGISTRY/REPO") String repository;

  @Override
  public Integer call() {
    return options.run(() -> {
      var tags = options.client().tags(repository);
      if (options.json) {
        var n = Json.object();
        n.put("repository", repository);
        tags.forEach(n.putArray("tags")::add);
        System.out.println(n);
      } else {
        tags.forEach(System.out::println);
      }
      return 0;
    });
  }
}
