#!/usr/bin/env python3
"""compare.py: the summary of a bench/runner/compare run, new against base (bench/README.md).

    python3 bench/runner/compare.py FILE

Reads the RUN lines (measure.py, labels SET.new and SET.base), the SET lines
(files per set) and the CALLGRIND lines of FILE and prints, per set, the
median wall and CPU (user+sys) time of each binary and the ratio new/base
(under 1.00: the new binary is faster) and that of the minima, then the instructions per scenario
from callgrind: (instructions on N files - instructions on the first alone)
/ (N - 1), the process's fixed start taken out. Python standard library only.
"""

import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from measure import fields  # noqa: E402  (measure.py, beside this file: one reading of a RUN line's fields)

SETS = ("plain", "widget", "idle", "all-junit")
WHAT = {"plain": "plain files, no widget", "widget": "widget files", "idle": "idle-poll widget files",
        "all-junit": "all files, --junit"}


def read(path):
    runs, files, cg, head = {}, {}, {}, []
    with open(path) as f:
        for line in f:
            if line.startswith("# "):
                head.append(line[2:].strip())
            elif line.startswith("RUN "):
                d = fields(line)
                runs.setdefault(d["label"], []).append((float(d["wall"]), float(d["cpu"])))
            elif line.startswith("SET "):
                d = fields(line)
                files[d["name"]] = int(d["files"])
            elif line.startswith("CALLGRIND "):
                d = fields(line)
                cg[(d["set"], d["bin"], int(d["files"]))] = int(d["instructions"])
    return runs, files, cg, head


def ms(s):
    return "%.1f ms" % (s * 1000)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: compare.py FILE")
    path = sys.argv[1]
    runs, files, cg, head = read(path)
    print("bench/runner compare: new (the checkout) against base; results in %s" % path)
    for h in head:
        print("  " + h)
    print()
    print("Medians; new/base is the ratio of the medians, and in brackets that of the minima (load on the machine only")
    print("ever adds time, so the minima are the steadier figure when it is busy).")
    print()
    print("| set | files | runs | wall new | wall base | wall new/base | CPU new | CPU base | CPU new/base |")
    print("|---|---|---|---|---|---|---|---|---|")
    for s in SETS:
        n, b = runs.get(s + ".new"), runs.get(s + ".base")
        if not n or not b:
            continue
        row = []
        for col in (0, 1):  # wall, CPU
            mn, mb = statistics.median(r[col] for r in n), statistics.median(r[col] for r in b)
            row.append("%s | %s | **%.2f** (%.2f)" % (ms(mn), ms(mb), mn / mb,
                                                    min(r[col] for r in n) / min(r[col] for r in b)))
        print("| %s (%s) | %d | %d | %s |" % (s, WHAT[s], files.get(s, 0), len(n), " | ".join(row)))
    if not cg:
        return
    print()
    print("callgrind, bsim run -j 1 --no-timing, instructions (per scenario: beyond the first file's run)")
    print()
    print("| set | files | new total | base total | new per scenario | base per scenario | new/base |")
    print("|---|---|---|---|---|---|---|")
    for s in SETS:
        ks = sorted(k[2] for k in cg if k[0] == s and k[1] == "new" and k[2] > 1)
        if not ks:
            continue
        k = ks[0]
        tn, tb = cg[(s, "new", k)], cg[(s, "base", k)]
        pn = (tn - cg[(s, "new", 1)]) / (k - 1)
        pb = (tb - cg[(s, "base", 1)]) / (k - 1)
        print("| %s | %d | %.1f M | %.1f M | %.3f M | %.3f M | **%.3f** |"
              % (s, k, tn / 1e6, tb / 1e6, pn / 1e6, pb / 1e6, pn / pb))


if __name__ == "__main__":
    main()
