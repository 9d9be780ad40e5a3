#!/usr/bin/env python3
"""The layering check (scripts/check_layering.py) on small fake trees: a tree
that keeps every rule passes, and for each rule a tree that breaks it once
fails, naming the file, the line and the rule. Without these a check that
never fails would pass unnoticed.
"""
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # the self-test leaves the checkout as it found it
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import check_layering  # noqa: E402

# A small tree that keeps every rule: each floor includes the one below, the
# widget model only the script view and util, the scenario interchange.
CLEAN = {
    "include/bsim/error.h": "",
    "include/bsim/cookie.h": '#include "bsim/error.h"\n',
    "include/bsim/browser.h": '#include "bsim/cookie.h"\n',
    "include/bsim/script.h": '#include "bsim/error.h"\n',
    "include/bsim/scenario.h": '#include "bsim/cookie.h"\n',
    "include/bsim/report.h": '#include "bsim/scenario.h"\n',
    "sim/util/buf.h": '#include "bsim/error.h"\n',
    "sim/net/url.c": '#include "util/buf.h"\n',
    "sim/net/url.h": "",
    "sim/cookie/jar.c": '#include "net/url.h"\n#include "bsim/cookie.h"\n',
    "sim/browser/tab.c": '#include "bsim/browser.h"\n#include "bsim/script.h"\n',
    "sim/interchange/har.c": '#include "bsim/browser.h"\n',
    "sim/interchange/har.h": "",
    "sim/widgets/model.c": '#include "bsim/script.h"\n#include "util/buf.h"\n#include "widgets/model.h"\n',
    "sim/widgets/model.h": "#include <stdio.h>\n",
    "sim/scenario/run.c": '#include "interchange/har.h"\n#include "widgets/model.h"\n#include "bsim/browser.h"\n',
    "sim/scenario/run.h": "",
    "sim/report/json.c": '#include "bsim/report.h"\n',
    "sim/cli/main.c": '#include "scenario/run.h"\n',
}

# One broken rule per case: (name, file, its text, the rule text expected,
# the file:line expected).
BROKEN = [
    ("util includes net", "sim/util/path.c", '#include "net/url.h"\n', "above it", "sim/util/path.c:1"),
    ("interchange includes widgets", "sim/interchange/har2.c", '#include "widgets/model.h"\n',
     "siblings", "sim/interchange/har2.c:1"),
    ("widgets includes interchange", "sim/widgets/x.c", '#include "bsim/script.h"\n#include "interchange/har.h"\n',
     "siblings", "sim/widgets/x.c:2"),
    ("never: widgets -> cookie (direct)", "sim/widgets/y.c", '#include "bsim/cookie.h"\n',
     "sim/widgets sees only", "sim/widgets/y.c:1"),
    ("never: cookie -> browser", "sim/cookie/z.c", '#include "bsim/browser.h"\n', "above it", "sim/cookie/z.c:1"),
    ("never: browser -> widgets", "sim/browser/w.c", '#include "widgets/model.h"\n', "above it", "sim/browser/w.c:1"),
    ("never: browser -> scenario", "sim/browser/s.c", '#include "scenario/run.h"\n', "above it", "sim/browser/s.c:1"),
    ("never: net -> cookie", "sim/net/c.c", '\n#include "bsim/cookie.h"\n', "above it", "sim/net/c.c:2"),
    ("never: report -> browser (direct)", "sim/report/b.c", '#include "bsim/browser.h"\n',
     "report never depends on browser", "sim/report/b.c:1"),
    ("never: scenario -> cli", "sim/scenario/c.c", '#include "cli/main.h"\n', "above it", "sim/scenario/c.c:1"),
    ("widgets includes net", "sim/widgets/u.c", '#include "net/url.h"\n', "sim/widgets sees only", "sim/widgets/u.c:1"),
    ("widgets includes libcurl", "sim/widgets/c.c", '#include "bsim/script.h"\n#include <curl/curl.h>\n',
     "no library below the script view", "sim/widgets/c.c:2"),
    ("widgets includes browser.h", "sim/widgets/b.h", '#include "bsim/browser.h"\n',
     "sim/widgets sees only", "sim/widgets/b.h:1"),
    ("widgets includes sim/browser", "sim/widgets/i.c", '#include "browser/tab.h"\n',
     "sim/widgets sees only", "sim/widgets/i.c:1"),
    ("widgets includes sim/cookie", "sim/widgets/k.c", '#include "cookie/jar.h"\n',
     "sim/widgets sees only", "sim/widgets/k.c:1"),
    ("public header includes an internal one", "include/bsim/har.h", '#include "util/buf.h"\n',
     "public headers include public headers only", "include/bsim/har.h:1"),
    ("include that names no folder", "sim/util/q.c", '#include "buf.h"\n', "names its folder", "sim/util/q.c:1"),
]


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)


class Layering(unittest.TestCase):
    def run_tree(self, files):
        with tempfile.TemporaryDirectory() as root:
            write_tree(root, files)
            return check_layering.check(root)

    def test_clean_tree_passes(self):
        self.assertEqual(self.run_tree(CLEAN), [])

    def test_each_broken_rule_fails(self):
        # The headers the broken files name exist, so only the rule breaks.
        extra = {"sim/cookie/jar.h": "", "sim/browser/tab.h": "", "sim/cli/main.h": ""}
        for name, rel, text, rule, where in BROKEN:
            with self.subTest(name):
                files = dict(CLEAN, **extra)
                files[rel] = text
                problems = self.run_tree(files)
                self.assertTrue(problems, "%s: no rule broken" % name)
                self.assertTrue(any(p.startswith(where + ":") and rule in p for p in problems),
                                "%s: expected %s (%s) in %s" % (name, where, rule, problems))

    def test_never_pair_through_a_header(self):
        # report -> bsim/report.h -> bsim/scenario.h -> bsim/browser.h: every
        # arrow goes down, yet the reporter reaches the live browser.
        files = dict(CLEAN)
        files["include/bsim/scenario.h"] = '#include "bsim/browser.h"\n'
        problems = self.run_tree(files)
        self.assertIn("include/bsim/report.h:1: report never depends on browser: reaches include/bsim/browser.h "
                      "through bsim/scenario.h -> bsim/browser.h", problems)

    def test_widgets_reach_the_jar_through_the_script_view(self):
        files = dict(CLEAN)
        files["include/bsim/script.h"] = '#include "bsim/error.h"\n#include "bsim/cookie.h"\n'
        problems = self.run_tree(files)
        self.assertTrue(any(p.startswith("include/bsim/script.h:2: include/bsim/script.h sees only") for p in problems),
                        problems)
        self.assertTrue(any(p.startswith("sim/widgets/model.c:1: widgets never depends on cookie") for p in problems),
                        problems)

    def test_exit_status(self):
        with tempfile.TemporaryDirectory() as root:
            write_tree(root, CLEAN)
            self.assertEqual(check_layering.main(["check_layering", root]), 0)
            write_tree(root, {"sim/util/bad.c": '#include "net/url.h"\n'})
            self.assertEqual(check_layering.main(["check_layering", root]), 1)
            self.assertEqual(check_layering.main(["check_layering", os.path.join(root, "nowhere")]), 2)


if __name__ == "__main__":
    unittest.main()
