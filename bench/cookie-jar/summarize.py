#!/usr/bin/env python3
"""summarize.py: turns the RESULT lines of one benchmark run (bench/cookie-jar/run)
into the figures bench/README.md reports: the median ops/s of each peer on
each workload, bsim's speed over each peer, each peer's cost per op from the
small to the large workload (1.00 is flat), and memory per stored cookie.

Medians, not means: a run slowed by another job on the machine moves the
median least. Beside the wall-clock rate it gives the CPU-time rate, which
shows whether the machine was busy (the two agree on an idle machine).

    summarize.py work/results-....txt
"""

import statistics
import sys

PEERS = ["bsim", "tough-cookie", "http.cookiejar"]
# Share of a core below which a run is taken to have competed with another job.
CONTENDED = 0.8
SIZES = ["small", "large"]


def read(path):
    runs = []
    for line in open(path, encoding="utf-8"):
        if not line.startswith("size="):
            continue
        fields = {}
        for token in line.split():
            key, sep, value = token.partition("=")
            if sep and key not in fields:
                fields[key] = value
        runs.append(fields)
    return runs


def num(run, key):
    try:
        return float(run[key])
    except (KeyError, ValueError):
        return None


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(value, spec="{:,.0f}"):
    return "n/a" if value is None else spec.format(value)


def main(path):
    runs = read(path)
    by = {}
    for r in runs:
        by.setdefault((r.get("peer"), r.get("size")), []).append(r)

    rate, cpu_rate, incomplete = {}, {}, {}
    print()
    print("| peer | workload | runs | ops | median ops/s | median ops/s on CPU time | cookies at end |")
    print("|---|---|---|---|---|---|---|")
    for peer in PEERS:
        for size in SIZES:
            rs = by.get((peer, size), [])
            if not rs:
                continue
            rate[peer, size] = median([num(r, "ops_per_s") for r in rs])
            cpu_rate[peer, size] = median([num(r, "ops") / num(r, "cpu_seconds") for r in rs
                                           if num(r, "cpu_seconds")])
            ops = rs[0].get("ops")
            if rs[0].get("complete") == "0":
                incomplete[peer, size] = rs[0]
                ops = "%s of %s (cut at %.0f s)" % (ops, rs[0].get("of"), num(rs[0], "seconds"))
            print("| %s | %s | %d | %s | %s | %s | %s |" % (
                peer, size, len(rs), ops, fmt(rate[peer, size]), fmt(cpu_rate[peer, size]),
                fmt(median([num(r, "cookies") for r in rs]))))

    print()
    print("bsim's speed over each peer (median ops/s over median ops/s):")
    for peer in PEERS[1:]:
        for size in SIZES:
            if ("bsim", size) in rate and (peer, size) in rate and rate[peer, size]:
                note = ""
                if (peer, size) in incomplete:
                    note = " (the peer ran only the first %s ops, where its jar is still small: " \
                           "a lower bound)" % incomplete[peer, size].get("ops")
                print("  %s, %s: %.1fx%s" % (peer, size, rate["bsim", size] / rate[peer, size], note))

    print()
    print("Cost per op, large over small (1.00 = flat; > 1 = each op got dearer as the jar grew):")
    for peer in PEERS:
        if (peer, "small") in rate and (peer, "large") in rate and rate[peer, "large"]:
            if (peer, "small") in incomplete or (peer, "large") in incomplete:
                r = incomplete.get((peer, "large")) or incomplete.get((peer, "small"))
                print("  %s: not comparable (cut runs); within one run its cost per op went from %s to %s us "
                      "between the first and the last tenth of the ops it ran" % (
                          peer, r.get("first_tenth_us_per_op"), r.get("last_tenth_us_per_op")))
                continue
            print("  %s: %.2f (%.2f us/op small, %.2f us/op large)" % (
                peer, rate[peer, "small"] / rate[peer, "large"], 1e6 / rate[peer, "small"],
                1e6 / rate[peer, "large"]))

    print()
    print("Memory held per stored cookie (bytes; 'beyond strings' leaves out the cookie's name, value, domain, path):")
    for peer in PEERS[:2]:
        for size in SIZES:
            rs = by.get((peer, size), [])
            if not rs:
                continue
            extra = ""
            if peer == "tough-cookie":
                extra = ", %s as run (strings still slices of their headers)" % fmt(
                    median([num(r, "bytes_per_cookie_as_run") for r in rs]))
            print("  %s, %s: %s per cookie, %s beyond strings (strings average %s)%s" % (
                peer, size, fmt(median([num(r, "bytes_per_cookie") for r in rs])),
                fmt(median([num(r, "beyond_strings") for r in rs])),
                fmt(median([num(r, "string_bytes_per_cookie") for r in rs]), "{:.0f}"), extra))

        # What one more cookie costs: the slope between the two sizes, free of fixed costs
        # (bsim's URL cache, node's and the module's own objects) that the small jar spreads thin.
        sm, lg = by.get((peer, "small"), []), by.get((peer, "large"), [])
        if sm and lg:
            def held(rs, key):
                return median([num(r, key) * num(r, "cookies") for r in rs if num(r, key) is not None])
            cs, cl = median([num(r, "cookies") for r in sm]), median([num(r, "cookies") for r in lg])
            hs, hl = held(sm, "bytes_per_cookie"), held(lg, "bytes_per_cookie")
            bs, bl = held(sm, "beyond_strings"), held(lg, "beyond_strings")
            if None not in (hs, hl, bs, bl) and cl > cs:
                slope = (hl - hs) / (cl - cs)
                print("  %s, one more cookie: %s bytes, %s beyond strings; fixed cost %.1f MB" % (
                    peer, fmt(slope), fmt((bl - bs) / (cl - cs)), (hs - slope * cs) / 1e6))

    print()
    print("Cookie bytes sent, summed over the run (a check that the peers broadly agree; they differ where their rules do):")
    for peer in PEERS:
        for size in SIZES:
            rs = by.get((peer, size), [])
            if rs and rs[0].get("complete") != "0":
                print("  %s, %s: %s" % (peer, size, fmt(num(rs[0], "sent_bytes"))))
    for line in open(path, encoding="utf-8"):
        if line.startswith("# load average"):
            print(line.rstrip()[2:])
    # A run whose op loop got less than CONTENDED of a core shared the machine with another job.
    contended = [r for r in runs if num(r, "cpu_seconds") is not None and num(r, "seconds")
                 and num(r, "cpu_seconds") < CONTENDED * num(r, "seconds")]
    if contended:
        print("warning: %d of %d runs had less than %.0f%% of a core (another job was running); "
              "the CPU-time column is the steadier figure, or run again on an idle machine" % (
                  len(contended), len(runs), CONTENDED * 100))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
