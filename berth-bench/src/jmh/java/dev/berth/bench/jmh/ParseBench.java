package dev.berth.bench.jmh;

import dev.berth.oci.Digest;
import dev.berth.oci.Reference;
import dev.berth.oci.manifest.ManifestParser;
import dev.berth.oci.manifest.ParsedManifest;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Manifest parse and validation, digest and reference parsing: per-request work on every push and pull. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ParseBench {
  static final String OCI = "application/vnd.oci.image.manifest.v1+json";
  static final String INDEX = "application/vnd.oci.image.index.v1+json";

  final byte[] manifest = manifest(5);
  final byte[] index = index(8);
  final String digest = Digest.sha256(manifest).toString();
  final String reference = "registry.example.com:5000/hoge/fuga/app:1.2.3";
  final String referenceDigest = "registry.example.com:5000/hoge/fuga/app@" + digest;
  final String shortReference = "busybox";

  static String d(int i) {
    return Digest.sha256(("blob" + i).getBytes(StandardCharsets.UTF_8)).toString();
  }

  static byte[] manifest(int layers) {
    StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + OCI + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + d(0) + "\",\"size\":1469},\"layers\":[");
    for (int i = 1; i <= layers; i++) {
      if (i > 1) sb.append(',');
      sb.append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"").append(d(i))
          .append("\",\"size\":").append(1000000 + i).append('}');
    }
    sb.append("],\"annotations\":{\"org.opencontainers.image.created\":\"2024-01-01T00:00:00Z\"}}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] index(int children) {
    StringBuilder sb = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + INDEX + "\",\"manifests\":[");
    String[] arch = {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le"};
    for (int i = 0; i < children; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"mediaType\":\"").append(OCI).append("\",\"digest\":\"").append(d(100 + i))
          .append("\",\"size\":1234,\"platform\":{\"architecture\":\"").append(arch[i % arch.length]).append("\",\"os\":\"linux\"}}");
    }
    return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public ParsedManifest manifestParse5Layers() {
    return ManifestParser.parse(manifest, OCI);
  }

  @Benchmark
  public ParsedManifest indexParse8Children() {
    return ManifestParser.parse(index, INDEX);
  }

  @Benchmark
  public Digest digestParse() {
    return Digest.parse(digest);
  }

  @Benchmark
  public Digest sha256OfManifest() {
    return Digest.sha256(manifest);
  }

  @Benchmark
  public Reference referenceParseTag() {
    return Reference.parse(reference);
  }

  @Benchmark
  public Reference referenceParseDigest() {
    return Reference.parse(referenceDigest);
  }

  @Benchmark
  public Reference referenceParseShort() {
    return Reference.parse(shortReference);
  }
}
