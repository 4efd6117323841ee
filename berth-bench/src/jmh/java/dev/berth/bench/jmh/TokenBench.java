package dev.berth.bench.jmh;

import dev.berth.server.auth.TokenSigner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bearer token work of the token-auth mode: verifying the ES256 token that every registry
 * request carries, and issuing one (once per docker login/pull/push scope).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TokenBench {
  com.nimbusds.jose.jwk.ECKey key;
  TokenSigner signer;
  String token;
  List<TokenSigner.Access> access;

  @Setup
  public void setup() throws Exception {
    Path dir = Files.createTempDirectory("berth-jmh-token");
    key = TokenSigner.loadOrCreateKey(dir.resolve("token.key"));
    signer = new TokenSigner(key, "berth-bench", Clock.systemUTC());
    access = List.of(new TokenSigner.Access("repository", "hoge/fuga/app", Set.of("pull", "push")));
    token = signer.issue("ci-bot", access, Duration.ofHours(1));
  }

  /** A token seen before: what every request after the first of a pull or push costs. */
  @Benchmark
  public TokenSigner.Verified verify() throws TokenSigner.InvalidToken {
    return signer.verify(token);
  }

  /** A token never seen (a new signer per call, so nothing is cached): the ES256 signature check. */
  @Benchmark
  public TokenSigner.Verified verifyFirstUse(Fresh f) throws TokenSigner.InvalidToken {
    return f.signer.verify(token);
  }

  @State(Scope.Thread)
  public static class Fresh {
    TokenSigner signer;

    @Setup(org.openjdk.jmh.annotations.Level.Invocation)
    public void setup(TokenBench b) throws Exception {
      signer = new TokenSigner(b.key, "berth-bench", Clock.systemUTC());
    }
  }

  @Benchmark
  public String issue() {
    return signer.issue("ci-bot", access, Duration.ofHours(1));
  }
}
