#!/usr/bin/env python3
"""The style check (scripts/checksrc.py) on small fake files: a file that
keeps every rule passes, and for each rule a file that breaks it once fails,
naming the file, the line and the rule. Without these a check that never
fails would pass unnoticed.
"""
import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # the self-test leaves the checkout as it found it
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import checksrc  # noqa: E402

GOOD = """/*
 * good.c: a file that keeps every rule of the house style, so the check
 * has something to pass.
 */
#include <stdio.h>

/* sprintf(buf, "%d") in a comment is not a call */
static const char *why = "strcpy(a, b) in a string is not a call either";

int good(char *out, size_t n, const char *s)
{
\treturn snprintf(out, n, "%s: %s, a message that may run past the line limit because grep must find it whole, %s", s, why, s);
}
"""

# One broken rule per case: (name, folder, text, rule, line expected).
BROKEN = [
    ("a line over the limit", "sim/util",
     GOOD + "\n/*" + " x" * 70 + " */\n", "LONGLINE", 15),
    ("a line over the limit through its tabs", "sim/util",
     GOOD + "\n" + "\t" * 16 + "int x;\n", "LONGLINE", 15),
    ("a long line of code with a short string in it", "sim/util",
     GOOD + '\nint x = f("a", ' + "b + " * 40 + 'c);\n', "LONGLINE", 15),
    ("a long comment with a quote in it", "sim/util",
     GOOD + '\n/* "quoted"' + " x" * 70 + " */\n", "LONGLINE", 15),
    ("trailing spaces", "sim/util", GOOD.replace("#include <stdio.h>", "#include <stdio.h>  "), "TRAILING", 5),
    ("a trailing tab", "tests/unit", GOOD.replace("int good(", "int good(\t\n").replace("\n\t\n", "\n"),
     "TRAILING", 10),
    ("no purpose comment", "sim/util", GOOD[GOOD.index("#include"):], "PURPOSE", 1),
    ("a title is no purpose", "include/bsim", "/* good.h */\n" + GOOD[GOOD.index("#include"):], "PURPOSE", 1),
    ("a purpose after code", "sim/util", "#include <stdio.h>\n" + GOOD, "PURPOSE", 1),
]
for fn in sorted(checksrc.BANNED):
    BROKEN.append(("banned " + fn, "sim/report", GOOD + "\nvoid f(char *a) { (void)%s (a); }\n" % fn,
                   "BANNEDFUNC", 15))


class Checksrc(unittest.TestCase):
    def run_file(self, folder, text):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "sim"), exist_ok=True)
            os.makedirs(os.path.join(root, folder), exist_ok=True)
            with open(os.path.join(root, folder, "good.c"), "w") as fh:
                fh.write(text)
            return checksrc.check(root)

    def test_good_file_passes(self):
        for folder in ("sim/util", "include/bsim", "tests/unit"):
            with self.subTest(folder):
                self.assertEqual(self.run_file(folder, GOOD), [])

    def test_each_broken_rule_fails(self):
        for name, folder, text, rule, line in BROKEN:
            with self.subTest(name):
                problems = self.run_file(folder, text)
                want = "%s/good.c:%d:" % (folder, line)
                self.assertTrue(any(p.startswith(want) and (": %s: " % rule) in p for p in problems),
                                "%s: expected %s %s in %s" % (name, want, rule, problems))

    def test_a_message_may_run_past_the_limit(self):
        crossing = GOOD + '\nvoid m(void) { warn("' + "w " * 70 + '"); }\n'
        tail = GOOD + '\nvoid m(int a) { warn(' + "x" * 80 + ' "%d %d: message", a,' + " a," * 10 + ' a); }\n'
        self.assertEqual(self.run_file("sim/util", crossing), [])
        self.assertEqual(self.run_file("sim/util", tail), [])

    def test_members_and_longer_names_are_not_banned_calls(self):
        text = GOOD + "\nvoid g(struct s *x) { x->rand(); x->gets(1); my_atoi(\"1\"); strtok_r(0, 0, 0); gmtime_r(0, 0); }\n"
        self.assertEqual(self.run_file("sim/util", text), [])

    def test_tests_are_held_to_the_same_rules(self):
        problems = self.run_file("tests/unit", GOOD + "\nvoid f(char *a) { strcpy(a, \"x\"); }\n")
        self.assertTrue(any(p.startswith("tests/unit/good.c:15:") and ": BANNEDFUNC: strcpy()" in p for p in problems),
                        problems)

    def test_exit_status(self):
        with tempfile.TemporaryDirectory() as root:
            os.makedirs(os.path.join(root, "sim", "util"))
            path = os.path.join(root, "sim", "util", "good.c")
            with open(path, "w") as fh:
                fh.write(GOOD)
            self.assertEqual(checksrc.main(["checksrc", root]), 0)
            with open(path, "a") as fh:
                fh.write("int x; \n")
            self.assertEqual(checksrc.main(["checksrc", root]), 1)
            self.assertEqual(checksrc.main(["checksrc", os.path.join(root, "nowhere")]), 2)


if __name__ == "__main__":
    unittest.main()
