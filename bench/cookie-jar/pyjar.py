#!/usr/bin/env python3
"""pyjar.py: the http.cookiejar peer of the cookie-jar benchmark (bench/README.md).

Reads an op file written by gen.py, splits it into ops in memory (untimed),
then runs them against Python's http.cookiejar.CookieJar with its
DefaultCookiePolicy, timing the op loop alone, and prints one RESULT line in
the shape bench-jar prints, for bench/cookie-jar/run.

CookieJar works on urllib's request and response objects; the adapters
here give it only what it reads (the URL, host, scheme, one Set-Cookie
header), built while parsing so that no timed op pays for them. How each op
maps:
    set URL HEADER     extract_cookies(response carrying HEADER, request for URL)
    script URL STRING  the same: CookieJar has no document.cookie side, so
                       a script write is a Set-Cookie (the workload's script
                       strings never carry HttpOnly, so this changes nothing)
    get URL            add_cookie_header(request for URL)
    read URL           the same (it cannot hide HttpOnly cookies from a script)
    wait SECONDS       moves the fake clock (below)
    close              clear_session_cookies()
    dump               len(jar)

The clock: CookieJar reads time.time() from its own module; that name is
pointed at a clock object whose time() is the virtual time.

CookieJar looks at every domain it holds for each request, and removes
expired cookies by walking the whole jar after each request: its cost per
op grows with the jar. On the large workload it cannot finish in any
reasonable time, so --max-seconds stops the op loop once that much time is
spent and the RESULT line says how far it got (complete=0), with the cost
per op of the first and the last tenth of what ran.

    pyjar.py [--max-seconds S] [--max-ops N] FILE
"""

import argparse
import http.cookiejar
import sys
import time

# The CLI's default virtual "now", 2015-01-01T00:00:00Z: gen.py dates its Expires from it.
START_S = 1420070400
# The time limit is checked once every CHECK_EVERY ops: often enough to stop
# within a fraction of a second, rarely enough to cost nothing.
CHECK_EVERY = 256

OP_SET, OP_SCRIPT, OP_GET, OP_READ, OP_WAIT, OP_CLOSE, OP_DUMP = range(7)
OP_KINDS = {"set": OP_SET, "script": OP_SCRIPT, "get": OP_GET, "read": OP_READ,
            "wait": OP_WAIT, "close": OP_CLOSE, "dump": OP_DUMP}


class VirtualClock:
    """Stands for the time module inside http.cookiejar: time() is the virtual clock."""

    def __init__(self, real):
        self._real = real
        self.now = START_S

    def time(self):
        return self.now

    def __getattr__(self, name):
        return getattr(self._real, name)


class Request:
    """What CookieJar reads of a urllib.request.Request, and where it writes the Cookie header."""

    __slots__ = ("url", "host", "type", "origin_req_host", "cookie")

    def __init__(self, url):
        self.url = url
        scheme, _, rest = url.partition("://")
        self.type = scheme
        self.host = rest.split("/", 1)[0].split("?", 1)[0]
        self.origin_req_host = self.host.split(":", 1)[0].lower()
        self.cookie = None

    def get_full_url(self):
        return self.url

    def is_unverifiable(self):
        return False

    @property
    def unverifiable(self):
        return False

    def has_header(self, name):
        return name == "Cookie" and self.cookie is not None

    def get_header(self, name, default=None):
        if name == "Host":
            return self.host
        return self.cookie if name == "Cookie" else default

    def add_unredirected_header(self, name, value):
        if name == "Cookie":
            self.cookie = value

    def header_items(self):
        return []


class Headers:
    """The response headers of one Set-Cookie."""

    __slots__ = ("set_cookie",)

    def __init__(self, value):
        self.set_cookie = [value]

    def get_all(self, name, default=None):
        return self.set_cookie if name == "Set-Cookie" else default


class Response:
    __slots__ = ("headers",)

    def __init__(self, value):
        self.headers = Headers(value)

    def info(self):
        return self.headers


def parse_ops(path, max_ops):
    """The file's ops, the first max_ops of them when max_ops > 0, and how many the file holds."""
    ops = []
    total = 0
    with open(path, encoding="utf-8", newline="\n") as f:
        for line_no, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line or line[0] == "#":
                continue
            total += 1
            if max_ops and len(ops) >= max_ops:
                continue
            word, _, rest = line.partition(" ")
            kind = OP_KINDS.get(word)
            if kind is None:
                raise SystemExit("%s:%d: not an op line gen.py writes" % (path, line_no))
            if kind in (OP_SET, OP_SCRIPT):
                url, _, value = rest.partition(" ")
                ops.append((kind, Request(url), Response(value)))
            elif kind in (OP_GET, OP_READ):
                ops.append((kind, Request(rest.split(" ", 1)[0]), None))
            elif kind == OP_WAIT:
                ops.append((kind, None, int(rest)))
            else:
                ops.append((kind, None, None))
    return ops, total


def main(argv):
    ap = argparse.ArgumentParser(description="http.cookiejar peer of the cookie-jar benchmark")
    ap.add_argument("--max-seconds", type=float, default=0, help="stop the op loop after this long (0: run all)")
    ap.add_argument("--max-ops", type=int, default=0,
                    help="read only the first N ops (0: all); for a run cut by --max-seconds")
    ap.add_argument("file")
    a = ap.parse_args(argv)

    ops, total = parse_ops(a.file, a.max_ops)
    clock = VirtualClock(time)
    http.cookiejar.time = clock
    jar = http.cookiejar.CookieJar(http.cookiejar.DefaultCookiePolicy())

    limit = a.max_seconds
    marks = []  # (ops done, seconds) every CHECK_EVERY ops, for the first and last tenth
    sent = 0
    done = 0
    perf = time.perf_counter
    cpu0 = time.process_time()
    t0 = perf()
    for kind, req, arg in ops:
        if kind == OP_SET or kind == OP_SCRIPT:
            jar.extract_cookies(arg, req)
        elif kind == OP_GET or kind == OP_READ:
            jar.add_cookie_header(req)
            if req.cookie is not None:
                sent += len(req.cookie)
        elif kind == OP_WAIT:
            clock.now += arg
        elif kind == OP_CLOSE:
            jar.clear_session_cookies()
        else:
            len(jar)
        done += 1
        if done % CHECK_EVERY == 0:
            t = perf() - t0
            marks.append((done, t))
            if limit and t >= limit:
                break
    seconds = perf() - t0
    cpu_seconds = time.process_time() - cpu0
    marks.append((done, seconds))

    def us_per_op(a, b):
        return (b[1] - a[1]) / (b[0] - a[0]) * 1e6 if b[0] > a[0] else 0.0

    tenth = max(1, len(marks) // 10)
    first = us_per_op((0, 0.0), marks[tenth - 1])
    last = us_per_op(marks[-1 - tenth] if len(marks) > tenth else (0, 0.0), marks[-1])
    cookies = len(jar)
    print("RESULT peer=http.cookiejar python=%s ops=%d of=%d complete=%d seconds=%.4f ops_per_s=%.0f cpu_seconds=%.4f "
          "cookies=%d domains=%d sent_bytes=%d first_tenth_us_per_op=%.1f last_tenth_us_per_op=%.1f "
          "close=clear_session_cookies" % (
              sys.version.split()[0], done, total, int(done == total), seconds,
              done / seconds if seconds > 0 else 0, cpu_seconds, cookies, len(jar._cookies), sent, first, last))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
