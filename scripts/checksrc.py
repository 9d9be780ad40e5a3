#!/usr/bin/env python3
"""checksrc: the house style of bsim's C sources, checked the way curl's
scripts/checksrc.pl checks curl's: a few rules a reviewer should never have
to repeat, over every .c and .h file under sim/, include/ and tests/.

The rules (each problem prints `file:line:col: RULE: what`, exit 1):
  LONGLINE    a line wider than LINE_LIMIT columns, tabs counted as 8;
              a message is exempt (a string literal crosses the limit, or
              ends at most MESSAGE_TAIL columns before the line does), so
              that it stays whole and grep finds it (Linux coding style, 2)
  BANNEDFUNC  a call of a function in BANNED (why: beside each)
  PURPOSE     the file does not start with its purpose paragraph: a
              comment of at least PURPOSE_WORDS words before any code
  TRAILING    white space at the end of a line
Comments and string literals are not searched for banned calls.

usage: checksrc.py [SOURCE_ROOT]   (default: the checkout this script is in)
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # checks leave the checkout as they found it
import srctree  # noqa: E402

# The widest line the sources keep today, code and comments (curl uses 79,
# the Linux kernel 100 with exceptions; bsim's long rule citations settled
# at 132, the width of a wide terminal).
LINE_LIMIT = 132
TAB_WIDTH = 8
# What may follow a long message on its line: its arguments and the call's end.
MESSAGE_TAIL = 40

# A purpose paragraph says what the file is for (DESIGN.md, house
# conventions): a title alone ("foo.c: buffers") is not one; the shortest
# the sources have, a test's "test_buf.c: the growable buffer of util/buf.h",
# is.
PURPOSE_WORDS = 6

# Functions the house never calls, and what to use instead.
BANNED = {
    "sprintf": "no bound on the output: use snprintf or buf_printf",
    "vsprintf": "no bound on the output: use vsnprintf or buf_vprintf",
    "strcpy": "no bound on the output: use snprintf, memcpy with a known length, or a buf",
    "strcat": "no bound on the output: use a buf (buf_puts) or snprintf",
    "strncpy": "does not terminate on truncation: use snprintf or memcpy with a known length",
    "strncat": "its bound is the room left, easy to get wrong: use a buf or snprintf",
    "gets": "no bound at all (removed in C11): use fgets",
    "strtok": "hidden global state, not thread-safe (runs go in parallel): use strtok_r or a scan by hand",
    "atoi": "no error and undefined on overflow: use strtol with an end pointer and errno",
    "atol": "no error and undefined on overflow: use strtol with an end pointer and errno",
    "atoll": "no error and undefined on overflow: use strtoll with an end pointer and errno",
    "atof": "no error: use strtod with an end pointer",
    "tmpnam": "racy name: use mkstemp",
    "mktemp": "racy name: use mkstemp",
    "localtime": "shared static result, and wall-clock zones: use the virtual clock (util/timefmt)",
    "gmtime": "shared static result, not thread-safe: use gmtime_r or util/timefmt",
    "asctime": "shared static result: use util/timefmt",
    "ctime": "shared static result: use util/timefmt",
    "rand": "randomness comes only from the run's seeded generator (DESIGN.md, Determinism)",
    "srand": "randomness comes only from the run's seeded generator (DESIGN.md, Determinism)",
}
CALL = re.compile(r"\b(%s)\s*\(" % "|".join(sorted(BANNED, key=len, reverse=True)))

# Where the rules apply: the library and its tests alike (a test's
# strcpy is copied into the next test).
FOLDERS = ("sim", "include", "tests")


def blank_comments_and_strings(text):
    """text with the inside of comments, string and character literals
    replaced by spaces (newlines kept), so a search finds only code."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end]))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + re.sub(r"[^\n]", " ", text[i + 1:j - 1]) + (c if j - 1 > i else ""))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def message_line(line):
    """Whether a long line is long because of a message: a string literal
    (outside comments) crosses the limit, or ends less than MESSAGE_TAIL
    columns before the line does (the message's arguments). Line text has
    its tabs expanded."""
    code = blank_comments_and_strings(line)
    literals = [m.span() for m in re.finditer(r'"[^"]*"', code)]
    return any(a < LINE_LIMIT < b for a, b in literals) or \
        any(a < LINE_LIMIT and len(line) - b <= MESSAGE_TAIL for a, b in literals)


def purpose_words(text):
    """Words of the comment the file starts with, or 0 when it starts with code."""
    t = text.lstrip()
    if t.startswith("/*"):
        body = t[2:t.find("*/")] if "*/" in t else t[2:]
    elif t.startswith("//"):
        lines = []
        for line in t.splitlines():
            if not line.startswith("//"):
                break
            lines.append(line[2:])
        body = "\n".join(lines)
    else:
        return 0
    return len([w for w in body.split() if w.strip("*")])


def check_file(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
        text = fh.read()
    problems = []

    def report(line, col, rule, what):
        problems.append("%s:%d:%d: %s: %s" % (rel, line, col, rule, what))

    if purpose_words(text) < PURPOSE_WORDS:
        report(1, 1, "PURPOSE", "start the file with a comment of at least %d words saying what it is for"
               % PURPOSE_WORDS)
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        stripped = line.rstrip(" \t\r\f\v")
        if stripped != line:
            report(n, len(stripped) + 1, "TRAILING", "white space at the end of the line")
        width = len(line.expandtabs(TAB_WIDTH))
        if width > LINE_LIMIT and not message_line(line.expandtabs(TAB_WIDTH)):
            report(n, LINE_LIMIT + 1, "LONGLINE", "%d columns (tabs as %d); the limit is %d"
                   % (width, TAB_WIDTH, LINE_LIMIT))
    for n, line in enumerate(blank_comments_and_strings(text).split("\n"), 1):
        for m in CALL.finditer(line):
            # a member or a declaration of our own (x.rand(, my_atoi() is not the libc call
            before = line[:m.start()].rstrip()
            if before.endswith((".", "->")):
                continue
            report(n, m.start() + 1, "BANNEDFUNC", "%s(): %s" % (m.group(1), BANNED[m.group(1)]))
    return problems


def sources(root):
    return srctree.sources(root, FOLDERS)


def check(root):
    problems = []
    for rel in sources(root):
        problems += check_file(root, rel)
    return problems


def main(argv):
    return srctree.main(argv, "checksrc", check, FOLDERS, "problem(s)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
