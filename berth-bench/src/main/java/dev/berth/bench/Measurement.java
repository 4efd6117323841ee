package dev.berth.bench;

/**
 * One figure from one round on one registry.
 *
 * @param figure what was measured, e.g. "manifest GET c=64"
 * @param unit unit of {@code value}
 * @param higherBetter whether a larger value is better (throughput) or worse (latency, memory)
 * @param value the figure
 * @param work how much work was done (requests, blobs, GiB…), for the server's CPU per unit
 * @param workUnit unit of {@code work}
 * @param p50ms median latency, or -1
 * @param p99ms 99th percentile latency, or -1
 * @param serverCpuMs server CPU (user+system) spent during the figure, or -1 if unknown
 * @param rssPeakMib the server's peak resident memory while the figure ran, or -1
 * @param target the target for this figure, as text
 */
record Measurement(String figure, String unit, boolean higherBetter, double value, double work, String workUnit,
    double p50ms, double p99ms, double serverCpuMs, double rssPeakMib, String target) {

  /** Server CPU milliseconds per unit of work, or -1. */
  double cpuPerWork() {
    return serverCpuMs < 0 || work <= 0 ? -1 : serverCpuMs / work;
  }

  static Measurement simple(String figure, String unit, boolean higherBetter, double value, String target) {
    return new Measurement(figure, unit, higherBetter, value, 0, "", -1, -1, -1, -1, target);
  }
}
