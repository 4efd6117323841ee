#!/bin/sh
# CPU profile of a running JVM (berth) with async-profiler: Java, native (SQLite) and kernel frames
# in one stack, which JFR does not show. async-profiler comes from Maven Central
# (tools.profiler:async-profiler) and is kept in ~/.cache/berth.
# Usage: berth-bench/asprof/asprof.sh PID SECONDS OUT.collapsed   (then: python3 berth-bench/asprof/top.py OUT.collapsed)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
pid=$1; secs=$2; out=$3
ver=4.2
case $(uname -m) in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "asprof.sh: no async-profiler build for $(uname -m)" >&2; exit 2 ;; esac
dir=${XDG_CACHE_HOME:-$HOME/.cache}/berth/async-profiler-$ver
lib=$dir/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  mkdir -p "$dir"
  mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:$ver -DoutputDirectory="$dir" > "$dir/mvn.log" 2>&1 \
    || { cat "$dir/mvn.log" >&2; echo "asprof.sh: could not fetch tools.profiler:async-profiler:$ver from Maven Central" >&2; exit 1; }
  unzip -q -o -j "$dir/async-profiler-$ver.jar" "$arch/libasyncProfiler.so" -d "$dir"
fi
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
"$java" "$here/Attach.java" "$pid" "$lib" start,event=cpu,interval=1ms
sleep "$secs"
"$java" "$here/Attach.java" "$pid" "$lib" "stop,file=$out,collapsed"
echo "asprof.sh: $out" >&2
