package dev.berth.bench.jmh;

import dev.berth.oci.Digest;
import dev.berth.oci.io.DigestingInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The upload hot path: 64 MiB read through {@link DigestingInputStream} with the server's buffer
 * sizes, against bare {@code MessageDigest.update} (the ceiling). Score is ms per 64 MiB; MB/s =
 * 67.1 / score * 1000.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DigestingStreamBench {
  static final int SIZE = 64 << 20;

  @Param({"16384", "262144", "1048576"})
  int buffer;

  byte[] data;
  byte[] buf;

  @Setup
  public void setup() {
    data = new byte[SIZE];
    new SplittableRandom(1).nextBytes(data);
    buf = new byte[buffer];
  }

  @Benchmark
  public Digest digestingStream() throws IOException {
    try (DigestingInputStream in = new DigestingInputStream(new ByteArrayInputStream(data), Digest.SHA256, Long.MAX_VALUE)) {
      while (in.read(buf, 0, buf.length) > 0) {
        // hashing happens in read
      }
      return in.digest();
    }
  }

  @Benchmark
  public byte[] bareMessageDigest() {
    MessageDigest md = Digest.newMessageDigest(Digest.SHA256);
    for (int off = 0; off < SIZE; off += buffer) md.update(data, off, Math.min(buffer, SIZE - off));
    return md.digest();
  }
}
