#!/bin/sh
# JFR profiles of berth under the benchmark's load, one recording per scenario, for the
# "where berth misses a target" section of BENCHMARKS.md.
# Usage: berth-bench/profile.sh OUT_DIR   (BENCH_JAR / BERTH_JAR as in compare.sh)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=$1
bench_jar=${BENCH_JAR:-$here/berth-bench/target/berth-bench.jar}
berth_jar=${BERTH_JAR:-$here/berth-cli/target/berth.jar}
port=${PORT:-5401}
rm -rf "$out/data"; mkdir -p "$out"
java --enable-native-access=ALL-UNNAMED -XX:StartFlightRecording=name=startup,settings=profile,filename=$out/startup.jfr,duration=10s \
  -jar "$berth_jar" serve --auth none --listen 127.0.0.1:$port --data "$out/data" > "$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; do sleep 0.05; done
sleep 11
for s in push small-blobs manifest-wrk tag-push images; do
  jcmd $pid JFR.start name=$s settings=profile > /dev/null
  java -jar "$bench_jar" --url http://127.0.0.1:$port --server-pid $pid --rounds 2 --scenarios $s --concurrency 64 \
    > "$out/$s.txt" 2> "$out/$s.err"
  jcmd $pid JFR.stop name=$s filename=$out/$s.jfr > /dev/null
  jfr print --json --events jdk.ExecutionSample "$out/$s.jfr" | python3 "$here/berth-bench/jfr-top.py" 30 > "$out/$s.top.txt"
done
jfr print --json --events jdk.ExecutionSample "$out/startup.jfr" | python3 "$here/berth-bench/jfr-top.py" 30 > "$out/startup.top.txt"
