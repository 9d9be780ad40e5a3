#!/usr/bin/env python3
"""A small HTTP(S) server for bsim's live-navigation tests.

It binds 127.0.0.1 on a free port, prints "PORT\n" on stdout once it
listens, and serves every host name (the test's hosts file points them all
here). It sets cookies across sub-domains, redirects, and writes one JSON
line per request it receives (method, Host, path, Cookie header) to the log
file given with --log, so the test can check what the browser sent.

Routes (query parameters may repeat):
  /set?c=HEADER           200, one Set-Cookie: HEADER per c
  /redirect?status=N&to=URL[&c=HEADER]
                          N (301, 302, 303, 307, 308) to URL, with Set-Cookie headers
  /loop?n=K               302 to /loop?n=K+1, forever
  /big?size=N&name=X      200 with a cookie X of N bytes of value
  /header?size=N[&lines=K] 200 with K (default 1) headers X-Big of N bytes each
  anything else           200, the Cookie header echoed in the body
Standard library only; HTTPS with --cert and --key. The server exits when
its standard input closes, so a test that dies never leaves it running.
"""
import argparse
import json
import os
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_lock = threading.Lock()
    log_path = None

    def log_message(self, fmt, *args):  # keep the test's stderr quiet
        pass

    def record(self):
        entry = {
            "method": self.command,
            "host": self.headers.get("Host", ""),
            "path": self.path,
            "cookie": self.headers.get("Cookie"),
        }
        with self.log_lock:
            with open(self.log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")

    def reply(self, status, headers, body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up on the response (bsim's own limits): nothing to report

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.record()
        url = urlsplit(self.path)
        q = parse_qs(url.query, keep_blank_values=True)
        cookies = [("Set-Cookie", c) for c in q.get("c", [])]
        if url.path == "/set":
            self.reply(200, cookies, b"set\n")
        elif url.path == "/redirect":
            status = int(q.get("status", ["302"])[0])
            self.reply(status, cookies + [("Location", q.get("to", ["/"])[0])])
        elif url.path == "/loop":
            n = int(q.get("n", ["0"])[0])
            self.reply(302, [("Location", "/loop?n=%d" % (n + 1))])
        elif url.path == "/big":
            size = int(q.get("size", ["100"])[0])
            name = q.get("name", ["big"])[0]
            self.reply(200, [("Set-Cookie", "%s=%s; Path=/" % (name, "x" * size))])
        elif url.path == "/header":
            size = int(q.get("size", ["100"])[0])
            lines = int(q.get("lines", ["1"])[0])
            self.reply(200, [("X-Big", "x" * size)] * lines)
        else:
            body = ("Cookie: %s\n" % self.headers.get("Cookie", "")).encode()
            self.reply(200, [("Content-Type", "text/plain")], body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--log", required=True, help="append one JSON line per request here")
    ap.add_argument("--cert", help="PEM certificate: serve HTTPS")
    ap.add_argument("--key", help="PEM private key of --cert")
    args = ap.parse_args()
    Handler.log_path = args.log
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    print(httpd.server_address[1], flush=True)

    def exit_with_the_test():
        sys.stdin.buffer.read()
        os._exit(0)

    threading.Thread(target=exit_with_the_test, daemon=True).start()
    httpd.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
