#!/usr/bin/env python3
"""Time from process start to the first answered GET /v2/, the way BENCHMARKS.md's startup
section measures it: a plain socket poll every 2 ms (so the probe takes no CPU from the server),
wall time and the server's CPU time (utime+stime) at the moment of the answer, several runs,
median. The command gets --listen 127.0.0.1:PORT --data DIR appended and is stopped with
SIGTERM after each run.

  berth-bench/startup.py [--runs N] [--fresh] [--port P] [--data DIR] -- ./berth serve --auth none

--fresh deletes DIR before every run (first start); otherwise the first run creates it and the
others reuse it (existing data directory; the first run is then left out of the figures).
"""
import argparse, os, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ap = argparse.ArgumentParser(usage=__doc__)
ap.add_argument('--runs', type=int, default=7)
ap.add_argument('--fresh', action='store_true')
ap.add_argument('--port', type=int, default=5381)
ap.add_argument('--data')
ap.add_argument('cmd', nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.cmd[1:] if a.cmd[:1] == ['--'] else a.cmd
if not cmd:
    sys.exit('no command; e.g. berth-bench/startup.py -- ./berth serve --auth none')
data = a.data or tempfile.mkdtemp(prefix='berth-startup-')
tck = os.sysconf('SC_CLK_TCK')


def answers():
    try:
        with socket.create_connection(('127.0.0.1', a.port), timeout=5) as s:
            s.sendall(b'GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
            line = s.makefile('rb').readline()
            return line.decode().strip() if line.startswith(b'HTTP/') else None
    except OSError:
        return None


if answers():
    sys.exit(f'something already answers on 127.0.0.1:{a.port}; choose another --port')
walls, cpus = [], []
runs = a.runs if a.fresh else a.runs + 1
for i in range(runs):
    if a.fresh:
        shutil.rmtree(data, ignore_errors=True)
    log = open(os.path.join(tempfile.gettempdir(), f'berth-startup-{a.port}.log'), 'w')
    t0 = time.monotonic()
    p = subprocess.Popen(cmd + ['--listen', f'127.0.0.1:{a.port}', '--data', data], stdout=log, stderr=log)
    while True:
        status = answers()
        if status:
            break
        if p.poll() is not None:
            sys.exit(f'the command exited with {p.returncode} before answering; log: {log.name}')
        if time.monotonic() - t0 > 120:
            p.kill()
            sys.exit(f'no answer within 120 s; log: {log.name}')
        time.sleep(0.002)
    wall = (time.monotonic() - t0) * 1000
    with open(f'/proc/{p.pid}/stat') as f:
        st = f.read()
    fields = st[st.rindex(')') + 2:].split()
    cpu = (int(fields[11]) + int(fields[12])) * 1000 / tck
    p.send_signal(signal.SIGTERM)
    p.wait()
    if a.fresh or i > 0:
        walls.append(round(wall))
        cpus.append(round(cpu))
    time.sleep(0.3)
load = ' '.join(open('/proc/loadavg').read().split()[:3])
print(f"{'fresh' if a.fresh else 'existing'} data dir, {status}: median {statistics.median(walls):.0f} ms "
      f"(runs {' '.join(map(str, walls))}), server CPU median {statistics.median(cpus):.0f} ms "
      f"(runs {' '.join(map(str, cpus))}), load average {load}")
