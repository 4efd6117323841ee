package dev.berth.cli;

import dev.berth.client.RegistryClient;
import dev.berth.client.auth.DockerConfig;
import dev.berth.client.auth.Keychains;
import dev.berth.client.error.ClientException;
import dev.berth.client.transport.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;

/** Options every client command shares, and the one place that turns client errors into exit codes. */
final class ClientOptions {
  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Allow plain HTTP to this registry (repeatable; also BERTH_INSECURE_REGISTRIES=a,b). Loopback registries are always allowed.")
  List<String> insecure = new ArrayList<>();

  @Option(names = {"-q", "--quiet"}, description = "Print nothing but errors.")
  boolean quiet;

  @Option(names = "--json", description = "Print results and progress as JSON lines, for scripts.")
  boolean json;

  @Option(names = "--retries", paramLabel = "N", defaultValue = "5", description = "Attempts for each idempotent request on 429, 5xx and network errors (default ${DEFAULT-VALUE}).")
  int retries;

  @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "16777216",
      description = "Upload chunk size; a broken upload resumes at the registry's last acknowledged byte (default ${DEFAULT-VALUE}). Suffixes k, m, g allowed.",
      converter = SizeConverter.class)
  long chunkSize;

  /** The environment the client reads (credentials, DOCKER_CONFIG, PATH for helpers); tests replace it. */
  static volatile Map<String, String> environment = System.getenv();

  static Map<String, String> env() {
    return environment;
  }

  RegistryClient client() {
    Set<String> allowed = new HashSet<>(insecure);
    String fromEnv = env().get("BERTH_INSECURE_REGISTRIES");
    if (fromEnv != null) for (String s : fromEnv.split(",")) if (!s.isBlank()) allowed.add(s.trim());
    return RegistryClient.builder()
        .keychain(Keychains.defaults(env()))
        .version(VersionProvider.version())
        .retry(new RetryPolicy(Math.max(1, retries), Duration.ofMillis(500), Duration.ofSeconds(10)))
        .insecureRegistries(allowed)
        .chunkSize(chunkSize)
        .build();
  }

  static DockerConfig dockerConfig() {
    return DockerConfig.locate(env());
  }

  /** Runs a command body; a ClientException becomes a UserError with the category's exit code. */
  <T> T run(Callable<T> body) {
    try {
      return body.call();
    } catch (ClientException e) {
      if (json) System.out.println(Json.error(e));
      throw new UserError(e.render(), e.category().exitCode());
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), UserError.USAGE);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /** Parses 16m, 512k, 1g, or plain bytes. */
  static final class SizeConverter implements picocli.CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String v) {
      String s = v.trim().toLowerCase(java.util.Locale.ROOT);
      long mult = 1;
      if (s.endsWith("k")) mult = 1L << 10;
      else if (s.endsWith("m")) mult = 1L << 20;
      else if (s.endsWith("g")) mult = 1L << 30;
      if (mult > 1) s = s.substring(0, s.length() - 1);
      return Long.parseLong(s) * mult;
    }
  }
}
