#!/usr/bin/env python3
"""measure.py: run a command several times and print its times (bench/README.md).

    python3 measure.py --runs 7 --label run-j2 -- bsim run -j 2 DIR
    python3 measure.py --summarize FILE      # RESULT lines from RUN lines

Each run is a fresh process, its stdout and stderr sent to /dev/null, and
must exit 0 (else measure.py stops with status 1 and says which run).
Per run: wall time (the monotonic clock, from just before the fork to just
after wait4 returns) and process time (user and system CPU seconds of the
child and of the threads it ran, from wait4's rusage: the kernel's own
account, microsecond resolution, unlike /usr/bin/time's centiseconds).
Prints one machine-readable line per run and a summary line:

    RUN label=... i=1 wall=0.1234 user=0.1000 sys=0.0200 cpu=0.1200 load1=1.50
    RESULT label=... runs=7 wall_median=... wall_min=... cpu_median=... cpu_min=... load1=...

With --summarize, reads the RUN lines of FILE (several labels, runs
interleaved as bench/runner/run does) and prints a RESULT line per label.

Python standard library only.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time


def one(cmd):
    devnull = os.open(os.devnull, os.O_WRONLY)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=devnull, stderr=devnull, close_fds=True)
    _, status, ru = os.wait4(p.pid, 0)
    t1 = time.monotonic()
    os.close(devnull)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, t1 - t0, ru.ru_utime, ru.ru_stime


def fields(line):
    return dict(kv.split("=", 1) for kv in line.split()[1:])


def result(label, walls, cpus, load1):
    print("RESULT label=%s runs=%d wall_median=%.4f wall_min=%.4f cpu_median=%.4f cpu_min=%.4f load1=%.2f"
          % (label, len(walls), statistics.median(walls), min(walls),
             statistics.median(cpus), min(cpus), load1), flush=True)


def summarize(path):
    runs = {}
    with open(path) as f:
        for line in f:
            if line.startswith("RUN "):
                d = fields(line)
                runs.setdefault(d["label"], []).append((float(d["wall"]), float(d["cpu"]), float(d.get("load1", "nan"))))
    for label, rs in runs.items():
        result(label, [r[0] for r in rs], [r[1] for r in rs], statistics.median(r[2] for r in rs))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs first (page cache)")
    ap.add_argument("--label")
    ap.add_argument("--summarize", metavar="FILE")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if a.summarize:
        return summarize(a.summarize)
    if not a.label:
        ap.error("--label is needed")
    cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd
    if not cmd:
        ap.error("no command")
    for _ in range(a.warmup):
        rc, *_ = one(cmd)
        if rc != 0:
            sys.exit("measure.py: %s exited %d: %s" % (a.label, rc, " ".join(cmd)))
    walls, cpus = [], []
    for i in range(1, a.runs + 1):
        rc, wall, user, sys_ = one(cmd)
        if rc != 0:
            sys.exit("measure.py: %s run %d exited %d: %s" % (a.label, i, rc, " ".join(cmd)))
        walls.append(wall)
        cpus.append(user + sys_)
        print("RUN label=%s i=%d wall=%.4f user=%.4f sys=%.4f cpu=%.4f load1=%.2f"
              % (a.label, i, wall, user, sys_, user + sys_, os.getloadavg()[0]), flush=True)
    if a.runs > 1:
        result(a.label, walls, cpus, os.getloadavg()[0])


if __name__ == "__main__":
    main()
