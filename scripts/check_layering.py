#!/usr/bin/env python3
"""check_layering: the include arrows of sim/ and include/ follow the floors
of the house, so a layering rule holds by the build and not by discipline.

docs/architecture.md and DESIGN.md ("Layout"): dependencies run one way,
down the list cli -> report -> scenario -> widgets, interchange -> browser
-> cookie -> net -> util. Nothing includes a folder above it; widgets and
interchange are siblings (neither includes the other); a few pairs may
never depend on each other even through a header in between (NEVER below);
and sim/widgets/ sees the browser only through the script view
(include/bsim/script.h), never the jar, the URL parser or the browser.

Every `#include "..."` of every .c/.h under sim/ and include/ is read; a
public header include/bsim/X.h belongs to the floor named in PUBLIC_FLOOR.
Each broken rule prints `file:line: rule: what`, and the exit is 1.

usage: check_layering.py [SOURCE_ROOT]   (default: the checkout this script is in)
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # checks leave the checkout as they found it
import srctree  # noqa: E402

# The floors, lowest first (DESIGN.md, "Layout"). Two folders on the same
# floor are siblings: neither may include the other.
FLOORS = [
    ("util",),
    ("net",),
    ("cookie",),
    ("browser",),
    ("widgets", "interchange"),
    ("scenario",),
    ("report",),
    ("cli",),
]
FLOOR_OF = {folder: level for level, folders in enumerate(FLOORS) for folder in folders}

# Which floor each public header (include/bsim/) speaks for. The umbrella
# bsim.h includes everything, so only the top floor may use it. The script
# view is what the browser offers a page's scripts, so it sits on the
# browser's floor; what it may include is narrower (VIEWS).
PUBLIC_FLOOR = {
    "error.h": "util",
    "units.h": "util",
    "trace.h": "util",
    "cookie.h": "cookie",
    "browser.h": "browser",
    "script.h": "browser",
    "har.h": "interchange",
    "scenario.h": "scenario",
    "report.h": "report",
    "bsim.h": "cli",
}

# Pairs that may never depend on each other, not even through a header in
# between (DESIGN.md: the jar knows no tabs, the browser knows no widget or
# scenario, reporters read results and traces, never live state; issue 17
# lists the pairs). Checked over everything a file reaches through the
# headers it includes.
NEVER = [
    ("widgets", "cookie"),
    ("cookie", "browser"),
    ("browser", "widgets"),
    ("browser", "scenario"),
    ("net", "cookie"),
    ("report", "browser"),
    ("scenario", "cli"),
]

# Files that see a narrower world than their floor: the widget model runs
# as a page script does, so it may include only the script view, util and
# its own headers (DESIGN.md: "widgets includes only the script view"); the
# script view itself hands out nothing more than util's error type.
# Each entry: (who, allowed includes); an include is allowed when it names a
# folder in the set ("util/..." -> "util") or is a public header listed.
VIEWS = [
    ("sim/widgets/", {"util", "widgets", "bsim/error.h", "bsim/units.h", "bsim/trace.h", "bsim/script.h"}),
    ("include/bsim/script.h", {"bsim/error.h", "bsim/units.h", "bsim/trace.h"}),
]

# System headers of the libraries below the script view: a page script has
# no libcurl, libxml2, SQLite, libpsl or libidn2, so the widget model may
# include none of them (it asks the script view, as a page would).
SYSTEM_NEVER = [
    ("sim/widgets/", ("curl/", "libxml/", "sqlite3.h", "libpsl.h", "idn2.h")),
]
SYSTEM_INCLUDE = re.compile(r'^\s*#\s*include\s*<([^>]+)>')

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def floor_of_path(rel):
    """The floor of a file of the tree (sim/X/... or include/bsim/X.h), or None."""
    parts = rel.split("/")
    if parts[0] == "sim" and len(parts) > 2:
        return parts[1]
    if parts[0] == "include" and len(parts) == 3 and parts[1] == "bsim":
        return PUBLIC_FLOOR.get(parts[2])
    return None


def resolve(name):
    """The tree path an include names: "bsim/x.h" is public, "folder/x.h" is sim/."""
    if name.startswith("bsim/"):
        return "include/" + name
    return "sim/" + name


def sources(root):
    return srctree.sources(root, ("sim", "include"))


def read_includes(root, rel):
    incs = []
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, 1):
            m = INCLUDE.match(line)
            if m:
                incs.append((n, m.group(1)))
    return incs


def system_problems(root, rel):
    out = []
    for who, banned in SYSTEM_NEVER:
        if not rel.startswith(who):
            continue
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
            for n, line in enumerate(fh, 1):
                m = SYSTEM_INCLUDE.match(line)
                if m and m.group(1).startswith(banned):
                    out.append("%s:%d: %s includes no library below the script view: <%s>"
                               % (rel, n, who.rstrip("/"), m.group(1)))
    return out


def view_allows(allowed, name):
    return name in allowed or name.split("/")[0] in allowed


def check(root):
    files = sources(root)
    includes = {rel: read_includes(root, rel) for rel in files}
    problems = []

    def report(rel, line, rule, what):
        problems.append("%s:%d: %s: %s" % (rel, line, rule, what))

    for rel in files:
        problems.extend(system_problems(root, rel))
        mine = floor_of_path(rel)
        for line, name in includes[rel]:
            target = resolve(name)
            if target not in includes:
                report(rel, line, "include names its folder",
                       '"%s" is not a file of sim/ or include/bsim/; write "folder/file.h" from sim/ '
                       'or "bsim/file.h"' % name)
                continue
            theirs = floor_of_path(target)
            if mine is None or theirs is None:
                report(rel, line, "unknown floor", '"%s" or "%s" is on no floor of FLOORS/PUBLIC_FLOOR' % (rel, name))
                continue
            if rel.startswith("include/") and not target.startswith("include/"):
                report(rel, line, "public headers include public headers only",
                       '"%s" is internal and not installed' % name)
            if FLOOR_OF[theirs] > FLOOR_OF[mine]:
                report(rel, line, "no folder includes a folder above it",
                       "%s includes %s (\"%s\"), which is above it (cli -> report -> scenario -> "
                       "widgets, interchange -> browser -> cookie -> net -> util)" % (mine, theirs, name))
            elif FLOOR_OF[theirs] == FLOOR_OF[mine] and theirs != mine:
                report(rel, line, "siblings do not include each other",
                       "%s includes %s (\"%s\"); they are on the same floor" % (mine, theirs, name))
            for who, allowed in VIEWS:
                if rel.startswith(who) and not view_allows(allowed, name):
                    report(rel, line, "%s sees only %s" % (who.rstrip("/"), ", ".join(sorted(allowed))),
                           '"%s" is outside its view' % name)

        # The never pairs, over every header this file reaches. A path whose
        # first step stays on this floor is reported at that header, and a
        # line already outside its view is reported once.
        if mine is None:
            continue
        flagged = {int(p.split(":")[1]) for p in problems if p.startswith(rel + ":")}
        for line, name in includes[rel]:
            first = resolve(name)
            if line in flagged or (first in includes and floor_of_path(first) == mine):
                continue
            seen = set()
            stack = [(resolve(name), [name])]
            while stack:
                target, chain = stack.pop()
                if target in seen or target not in includes:
                    continue
                seen.add(target)
                theirs = floor_of_path(target)
                if (mine, theirs) in NEVER:
                    report(rel, line, "%s never depends on %s" % (mine, theirs),
                           "reaches %s through %s" % (target, " -> ".join(chain)))
                    break
                for _, nxt in includes[target]:
                    stack.append((resolve(nxt), chain + [nxt]))
    return problems


def main(argv):
    return srctree.main(argv, "check_layering", check, ("sim", "include"), "broken rule(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
