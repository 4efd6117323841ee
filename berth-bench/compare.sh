#!/bin/sh
# Side-by-side run used for BENCHMARKS.md: berth (A) against Debian's docker-registry, CNCF
# distribution 2.8 (B), each launched by the tool with its own data directory on the same disk.
# Both without access control (distribution.yml has none; berth runs --auth none).
# berth is started the way users start it, through the ./berth launcher (with BERTH_JAR set to the
# jar below): the same JVM options and the same AOT cache, which is made before the first figure.
# Usage: berth-bench/compare.sh DATA_DIR [extra berth-bench options]
# PORT_A / PORT_B: the ports of berth and distribution (default 5301, 5302); the tool refuses to
# start if something already answers there.
# Needs: berth-cli/target/berth.jar and berth-bench/target/berth-bench.jar (mvn -DskipTests package),
# /usr/bin/docker-registry, optionally wrk.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
data=$1; shift
# the jars to run; BENCH_JAR / BERTH_JAR point at pinned copies so a rebuild cannot change a running benchmark
bench_jar=${BENCH_JAR:-$here/berth-bench/target/berth-bench.jar}
berth_jar=${BERTH_JAR:-$here/berth-cli/target/berth.jar}
dist_conf=${DIST_CONF:-$here/berth-bench/distribution.yml}
port_a=${PORT_A:-5301}
port_b=${PORT_B:-5302}
rm -rf "$data/a" "$data/b"
mkdir -p "$data"
# 'serve --help' makes the launcher's AOT cache for this jar (if the JDK can) without starting a
# server, so that no startup figure includes the training run
BERTH_JAR=$berth_jar "$here/berth" serve --help >/dev/null
exec java -jar "$bench_jar" \
  --url http://127.0.0.1:$port_a --label-a berth \
  --server-cmd "env BERTH_JAR=$berth_jar $here/berth serve --auth none --listen 127.0.0.1:$port_a --data $data/a" \
  --compare http://127.0.0.1:$port_b --label-b distribution \
  --compare-cmd "env REGISTRY_HTTP_ADDR=127.0.0.1:$port_b REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$data/b docker-registry serve $dist_conf" \
  --scratch "$data" "$@"
