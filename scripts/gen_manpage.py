#!/usr/bin/env python3
"""gen_manpage.py: write the bsim(1) man page from the help texts of the
built bsim binary (`bsim --help`, then `bsim help COMMAND` for each command
it lists), so the page says exactly what the command line says and follows
every change to it. Run at build time by meson.build; installed into
man1/. The help texts are plain text for an 80-column terminal; they become
roff as follows: the first "Usage:" lines are the synopsis, paragraphs are
filled, a line ending in ":" is a heading, and an indented block of
"TERM  description" rows (continuations indented further) is a tagged list;
any other indented block (a grammar, an example) is kept as it is.

usage: gen_manpage.py BSIM OUTPUT VERSION
"""
import os
import re
import subprocess
import sys

# A help text far larger than this is not bsim's help.
MAX_HELP = 64 * 1024
# "  TERM   description": the term starts at column 2, two or more spaces part them.
TERM_ROW = re.compile(r"^  (\S(?:.*?\S)?)(?: {2,}(\S.*))?$")


def fail(msg):
    sys.stderr.write("gen_manpage.py: " + msg + "\n")
    sys.exit(1)


def helptext(bsim, args):
    env = dict(os.environ, NO_COLOR="1")
    try:
        p = subprocess.run([bsim] + args, capture_output=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        fail("%s %s: %s" % (bsim, " ".join(args), e))
    if p.returncode != 0 or not p.stdout or len(p.stdout) > MAX_HELP:
        fail("%s %s: exit %d, %d bytes of help: %s" % (bsim, " ".join(args), p.returncode, len(p.stdout),
                                                      p.stderr.decode(errors="replace").strip()))
    return p.stdout.decode("utf-8").rstrip("\n").split("\n")


def esc(text):
    """Text for roff: backslashes, hyphens (so options copy and search as typed), a leading control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    if text[:1] in (".", "'"):
        text = "\\&" + text
    return text


def blocks(lines):
    """Split at blank lines, and before a heading, into (kind, lines): para, indented or heading."""
    out, cur = [], []

    def flush():
        if cur:
            out.append(("indented" if cur[0].startswith(" ") else "para", list(cur)))
            cur.clear()

    for line in lines:
        if not line.strip():
            flush()
        elif not line.startswith(" ") and line.endswith(":"):
            flush()
            out.append(("heading", [line]))
        elif cur and cur[0].startswith(" ") != line.startswith(" "):
            flush()
            cur.append(line)
        else:
            cur.append(line)
    flush()
    return out


def tagged(lines, one_word=False):
    """The rows of a tagged list as [(term, description)], or None when the block
    is not one. one_word: the term is the first word (the list of commands)."""
    if one_word:
        parts = [l.split(None, 1) for l in lines]
        ok = all(len(p) == 2 and not l.startswith("   ") for p, l in zip(parts, lines))
        return [(p[0], p[1]) for p in parts] if ok else None
    rows = []
    for i, line in enumerate(lines):
        if line.startswith("   "):  # a continuation
            if not rows:
                return None
            rows[-1][1].append(line.strip())
            continue
        m = TERM_ROW.match(line)
        if not m:
            return None
        term, desc = m.group(1), m.group(2)
        # A term alone on its line must have its description below it.
        if desc is None and not (i + 1 < len(lines) and lines[i + 1].startswith("   ")):
            return None
        rows.append((term, [desc] if desc else []))
    return [(t, " ".join(d)) for t, d in rows]


def body(lines, out):
    heading = None
    for kind, blk in blocks(lines):
        if kind == "heading":
            out += [".PP", ".B " + esc(blk[0])]
        elif kind == "para":
            out.append(".PP")
            for l in blk:
                # The exit status is a paragraph of its own, as a man page has it.
                if l.startswith("Exit status:") and out[-1] != ".PP":
                    out.append(".PP")
                out.append(esc(l))
        else:
            rows = tagged(blk, one_word=heading == "Commands:")
            if rows is None:
                out += [".PP", ".nf"] + [esc(l) for l in blk] + [".fi"]
            else:
                for term, desc in rows:
                    out += [".TP", ".B " + esc(term), esc(desc)]
        heading = blk[0] if kind == "heading" else None


def usage(lines):
    """The leading "Usage:" lines (and their continuations) and the rest."""
    use = []
    while lines and (lines[0].startswith("Usage: ") or (use and lines[0].startswith("       "))):
        use.append(lines.pop(0)[7:].strip())
    return use, lines


def main():
    if len(sys.argv) != 4:
        fail("usage: gen_manpage.py BSIM OUTPUT VERSION")
    bsim, dst, version = sys.argv[1:]
    top = helptext(bsim, ["--help"])
    synopsis, rest = usage(top)
    if not synopsis or not rest:
        fail("bsim --help: no Usage: line")
    # Commands: the rows of the block under "Commands:", by their first word.
    try:
        at = rest.index("Commands:")
    except ValueError:
        fail("bsim --help: no Commands: list")
    commands = []
    for line in rest[at + 1:]:
        if not line.startswith("  "):
            break
        name = line.split()[0]
        if name != "help":
            commands.append(name)
    if not commands:
        fail("bsim --help: the Commands: list is empty")
    # The first sentence says what bsim is: the NAME line, without "bsim ".
    while rest and not rest[0].strip():
        rest.pop(0)
    para = " ".join(l.strip() for l in rest[:rest.index("")] if l) if "" in rest else rest[0]
    summary = para.split(". ")[0].rstrip(".")
    summary = summary[5:] if summary.startswith("bsim ") else summary

    out = ['.\\" Generated by scripts/gen_manpage.py from bsim %s\'s help texts: do not edit.' % version,
           '.TH BSIM 1 "" "bsim %s" "User Commands"' % esc(version),
           ".SH NAME", "bsim \\- " + esc(summary),
           ".SH SYNOPSIS", ".nf"] + [".B " + esc(s) for s in synopsis] + [".fi", ".SH DESCRIPTION"]
    body(rest, out)
    for name in commands:
        lines = helptext(bsim, ["help", name])
        use, text = usage(lines)
        out += [".SH " + esc("BSIM " + name.upper()), ".nf"] + [".B " + esc(u) for u in use] + [".fi"]
        body(text, out)
    out += [".SH SEE ALSO", "The documents under docs/ in bsim's source tree: scenario\\-language.md,",
            "cookie\\-command.md, report\\-formats.md, widget\\-model.md, har\\-import.md, limits.md."]
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
