#!/usr/bin/env python3
"""Hot methods from a JFR recording: self (top frame) and total (anywhere on the stack) sample shares.
Usage: jfr print --json --events jdk.ExecutionSample rec.jfr | berth-bench/jfr-top.py [N] [filter-substring]"""
import json, sys, collections
n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
flt = sys.argv[2] if len(sys.argv) > 2 else None
data = json.load(sys.stdin)
events = data["recording"]["events"]
self_c, total_c = collections.Counter(), collections.Counter()
count = 0
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    names = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in frames]
    if flt and not any(flt in x for x in names):
        continue
    count += 1
    if names:
        self_c[names[0]] += 1
    for x in set(names):
        total_c[x] += 1
print(f"{count} samples" + (f" with a frame matching {flt!r}" if flt else ""))
print("self%   method (top of stack)")
for m, c in self_c.most_common(n):
    print(f"{100*c/count:5.1f}  {m}")
print("\ntotal%  method (anywhere on stack)")
for m, c in total_c.most_common(n):
    print(f"{100*c/count:5.1f}  {m}")
