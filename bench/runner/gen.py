#!/usr/bin/env python3
"""gen.py: the scenario files of the runner benchmark (bench/README.md).

Writes COUNT scenario files (default 1,000) into a directory, each one
<scenario> of 30 elements (20 browser steps, <hosts> included, and 10
expectations) on one site with three sub-domains: two tabs, cookies from response headers and
from page scripts, Web Storage, a window.open, a close-tab, a close-browser
and a restart, with expectations spread among the steps. Every scenario
passes on the chromium preset.

The same seed gives the same files, byte for byte. Python standard library
only.

    python3 bench/runner/gen.py --seed 1 --count 1000 -o bench/runner/work/s1
"""

import argparse
import os
import random
import string

TLDS = ["com", "co.uk", "de", "fr", "net", "org", "io", "com.au", "nl", "es"]
WORDS = ["acme", "north", "blue", "river", "pixel", "cedar", "orbit", "maple",
         "delta", "lumen", "harbor", "quartz", "summit", "tango", "vertex",
         "willow", "ember", "falcon", "granite", "meadow"]
SUBS = [("www", "store", "support"), ("www", "shop", "help"),
        ("app", "checkout", "docs"), ("www", "cart", "chat")]
WAITS = ["500ms", "2s", "30s", "1m", "10m", "1h"]
WIDGET = "_genesys.widgets.webchat.state.session"


def token(rng, n):
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def scenario(i, rng):
    """One scenario's XML text. Every value is [A-Za-z0-9.-], so nothing needs escaping."""
    site = "%s%s%d.%s" % (rng.choice(WORDS), rng.choice(WORDS), i, rng.choice(TLDS))
    s1, s2, s3 = rng.choice(SUBS)
    h1, h2, h3 = "%s.%s" % (s1, site), "%s.%s" % (s2, site), "%s.%s" % (s3, site)
    sid, pref, chat, draft, consent = (token(rng, k) for k in (32, 8, 24, 12, 6))
    cart = rng.randint(1, 99)
    chat_id = token(rng, 16)
    wait = rng.choice(WAITS)
    seed = rng.randint(1, 1 << 30)
    # 30 children of <scenario>: 20 browser steps (<hosts> included) and 10 expectations.
    steps = [
        '<hosts>127.0.0.1 %s %s %s</hosts>' % (h1, h2, h3),
        '<tab name="a" url="https://%s/">\n'
        '    <set-cookie>sid=%s; Path=/; Secure; HttpOnly; SameSite=Lax</set-cookie>\n'
        '    <set-cookie>pref=%s; Domain=%s; Path=/; Max-Age=86400</set-cookie>\n'
        '  </tab>' % (h1, sid, pref, site),
        '<cookie tab="a" write="%s=%s; Domain=.%s; Path=/"/>' % (WIDGET, chat, site),
        '<storage tab="a" area="local" set="chat.id" value="%s"/>' % chat_id,
        '<storage tab="a" area="session" set="draft" value="%s"/>' % draft,
        '<expect cookie="sid" value="%s" domain="%s" http-only="true" session="true"/>' % (sid, h1),
        '<expect tab="a" document-cookie-lacks="sid"/>',
        '<window-open name="b" from="a" url="https://%s/cart"/>' % h2,
        '<expect tab="b" document-cookie-contains="%s=%s"/>' % (WIDGET, chat),
        '<navigate tab="b" url="https://%s/checkout">\n'
        '    <set-cookie>cart=%d; Path=/checkout; Secure</set-cookie>\n'
        '  </navigate>' % (h2, cart),
        '<expect cookie-header="https://%s/checkout" equals="cart=%d; pref=%s; %s=%s"/>'
        % (h2, cart, pref, WIDGET, chat),
        '<storage tab="b" area="local" set="cart.count" value="%d"/>' % cart,
        '<cookie tab="b" write="consent=%s; Domain=%s; Path=/; Max-Age=31536000"/>' % (consent, site),
        '<focus tab="a"/>',
        '<expect focused="a"/>',
        '<navigate tab="a" url="https://%s/help"/>' % h3,
        '<expect tab="a" document-cookie-contains="consent=%s"/>' % consent,
        '<close-tab tab="b"/>',
        '<expect tabs="1"/>',
        '<wait for="%s"/>' % wait,
        '<reload tab="a"/>',
        '<close-browser/>',
        '<expect cookie="%s" present="false"/>' % WIDGET,
        '<restart/>',
        '<tab name="c" url="https://%s/"/>' % h1,
        '<expect tab="c" local="chat.id" value="%s"/>' % chat_id,
        '<expect tab="c" session="draft" present="false"/>',
        '<storage tab="c" area="local" remove="chat.id"/>',
        '<navigate tab="c" url="https://%s/cart"/>' % h2,
        '<focus tab="c"/>',
    ]
    assert len(steps) == 30, len(steps)
    return ('<!-- bench/runner/gen.py: scenario %d -->\n'
            '<scenario name="runner bench %04d" seed="%d" tags="bench %s">\n  %s\n</scenario>\n'
            % (i, i, seed, s2, "\n  ".join(steps)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("-o", "--out", required=True, help="directory to write NNNN.xml into")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(a.out):
        if name.endswith(".xml"):
            os.remove(os.path.join(a.out, name))
    rng = random.Random(a.seed)
    for i in range(a.count):
        with open(os.path.join(a.out, "%04d.xml" % i), "w", encoding="utf-8", newline="\n") as f:
            f.write(scenario(i, rng))


if __name__ == "__main__":
    main()
