"""srctree: what the source checks (check_layering.py, checksrc.py) share:
the list of C files under some folders of the checkout, and the command
line every check has (a source root, one problem a line, a count, exit 1
when there is a problem and 2 when the root is not a checkout).
"""
import os
import sys


def sources(root, folders):
    """Every .c and .h file under root's folders, as sorted relative paths."""
    out = []
    for top in folders:
        for d, dirs, files in os.walk(os.path.join(root, top)):
            # Not bsim's sources: npm packages and the widget's vendored code
            # the oracles install, build folders, hidden folders.
            dirs[:] = sorted(x for x in dirs if x not in ("node_modules", "vendor") and not x.startswith((".", "build")))
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/"))
    return out


def main(argv, name, check, folders, what):
    """Run check(root) on argv[1] (default: the checkout this file is in)."""
    root = argv[1] if len(argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if not os.path.isdir(os.path.join(root, "sim")):
        sys.stderr.write("%s: %s has no sim/ folder; give the source root\n" % (name, root))
        return 2
    problems = check(root)
    for p in problems:
        print(p)
    print("%s: %d file(s), %d %s" % (name, len(sources(root, folders)), len(problems), what))
    return 1 if problems else 0
