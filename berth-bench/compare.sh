#!/bin/sh
# Side-by-side run used for BENCHMARKS.md: berth (A) against Debian's docker-registry, CNCF
# distribution 2.8 (B), each launched by the tool with its own data directory on the same disk.
# Usage: berth-bench/compare.sh DATA_DIR [extra berth-bench options]
# Needs: berth-cli/target/berth.jar and berth-bench/target/berth-bench.jar (mvn -DskipTests package),
# /usr/bin/docker-registry, optionally wrk.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
data=$1; shift
rm -rf "$data/berth" "$data/distribution"
mkdir -p "$data"
exec java -jar "$here/berth-bench/target/berth-bench.jar" \
  --url http://127.0.0.1:5301 --label-a berth \
  --server-cmd "java --enable-native-access=ALL-UNNAMED -jar $here/berth-cli/target/berth.jar serve --listen 127.0.0.1:5301 --data $data/berth" \
  --compare http://127.0.0.1:5302 --label-b distribution \
  --compare-cmd "env REGISTRY_HTTP_ADDR=127.0.0.1:5302 REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY=$data/distribution docker-registry serve $here/berth-bench/distribution.yml" \
  --scratch "$data" "$@"
