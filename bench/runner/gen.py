#!/usr/bin/env python3
"""gen.py: the scenario files of the runner benchmark (bench/README.md).

Writes COUNT scenario files (default 1,000) into a directory, each one
<scenario> of 30 elements (20 browser steps, <hosts> included, and 10
expectations) on one site with three sub-domains: two tabs, cookies from response headers and
from page scripts, Web Storage, a window.open, a close-tab, a close-browser
and a restart, with expectations spread among the steps. Every scenario
passes on the chromium preset. With --widgets SHARE, that share of the
files (spread evenly) are widget scenarios instead, also of 30 elements:
the Genesys Widgets model deployed on the site, a chat started, agent
lines, minimize, restores across the sub-domains and in a second tab, the
end (widget_scenario below). With --idle SHARE, that share of the widget
files (spread evenly over them) are idle-poll ones instead: a chat in two
tabs left open for 13 to 22 minutes of virtual time with an agent line
now and then, so that nearly every poll changes nothing (idle_scenario
below; what "an idle poll costs next to nothing" is measured on).

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


def site_hosts(i, rng):
    """Scenario i's site, its three hosts (sub-domains) and the second sub-domain's label."""
    site = "%s%s%d.%s" % (rng.choice(WORDS), rng.choice(WORDS), i, rng.choice(TLDS))
    s1, s2, s3 = rng.choice(SUBS)
    return site, ("%s.%s" % (s1, site), "%s.%s" % (s2, site), "%s.%s" % (s3, site)), s2


def document(kind, i, seed, tags, steps):
    """The file's text: a comment naming the generator, one <scenario> of the steps."""
    assert len(steps) == 30, len(steps)
    return ('<!-- bench/runner/gen.py: %s %d -->\n'
            '<scenario name="runner bench %04d" seed="%d" tags="%s">\n  %s\n</scenario>\n'
            % (kind, i, i, seed, tags, "\n  ".join(steps)))


def chat_start(site, hosts):
    """The opening of a widget scenario: the hosts, the deployment, tab a on the first host, a chat started."""
    return [
        '<hosts>127.0.0.1 %s %s %s</hosts>' % hosts,
        '<deploy site="%s"/>' % site,
        '<tab name="a" url="https://%s/"/>' % hosts[0],
        '<webchat do="start"/>',
        '<expect chat="active"/>',
    ]


def scenario(i, rng):
    """One scenario's XML text. Every value is [A-Za-z0-9.-], so nothing needs escaping."""
    site, (h1, h2, h3), s2 = site_hosts(i, rng)
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
    return document("scenario", i, seed, "bench %s" % s2, steps)


MESSAGES = ["Hello", "Your order shipped", "Let me check", "One moment please", "Anything else"]


def widget_scenario(i, rng):
    """A widget scenario of 30 elements, a mix like scenarios/seed/: deploy, start, agent lines, minimize,
    navigations across the site's sub-domains with restores, a second tab, the end; expectations spread."""
    site, (h1, h2, h3), _ = site_hosts(i, rng)
    say = [rng.choice(MESSAGES) for _ in range(3)]
    after = [rng.choice(["500ms", "1s", "2s", "5s"]) for _ in range(3)]
    text = token(rng, 10)
    seed = rng.randint(1, 1 << 30)
    state = "_genesys.widgets.webchat.state."
    steps = chat_start(site, (h1, h2, h3)) + [
        '<expect cookie="%ssession" domain=".%s"/>' % (state, site),
        '<agent say="%s" after="%s"/>' % (say[0], after[0]),
        '<expect transcript="3"/>',  # "Chat Started", the agent's "Connected", the line
        '<webchat do="send" text="%s"/>' % text,
        '<webchat do="minimize"/>',
        '<agent say="%s" after="%s"/>' % (say[1], after[1]),
        '<expect unread="1"/>',
        '<navigate tab="a" url="https://%s/cart"/>' % h2,
        '<expect chat="restored" unread="1"/>',
        '<window-open name="b" from="a" url="https://%s/"/>' % h3,
        '<expect tab="b" chat="restored"/>',
        '<webchat tab="b" do="maximize"/>',
        '<agent say="%s" after="%s"/>' % (say[2], after[2]),
        '<expect tab="b" transcript="6"/>',  # the replay of five, then the new line
        '<wait for="30s"/>',
        '<expect cookie="%sping"/>' % state,
        '<close-tab tab="b"/>',
        '<navigate tab="a" url="https://%s/help"/>' % h1,
        '<expect tab="a" chat="restored"/>',
        '<webchat tab="a" do="end"/>',
        '<expect tab="a" chat="ended"/>',
        '<expect cookie="%ssession" present="false"/>' % state,
        '<navigate tab="a" url="https://%s/"/>' % h2,
        '<expect tab="a" chat="none"/>',
        '<expect cookie="%sopen" value="true"/>' % state,
    ]
    return document("widget scenario", i, seed, "bench widget", steps)


IDLE_WAITS = ["4m", "5m", "6m"]
IDLE_AFTERS = ["30s", "1m", "2m"]


def idle_scenario(i, rng):
    """An idle-poll scenario of 30 elements: a chat restored in a second tab, then three waits of minutes with an
    agent line between them, one tab minimized and the front moved, so two pages poll for 13 to 22 minutes of
    virtual time and almost every poll brings nothing new."""
    site, (h1, h2, h3), _ = site_hosts(i, rng)
    say = [rng.choice(MESSAGES) for _ in range(3)]
    waits = [rng.choice(IDLE_WAITS) for _ in range(3)]
    after = [rng.choice(IDLE_AFTERS) for _ in range(2)]
    seed = rng.randint(1, 1 << 30)
    state = "_genesys.widgets.webchat.state."
    steps = chat_start(site, (h1, h2, h3)) + [
        '<agent say="%s" after="2s"/>' % say[0],
        '<expect transcript="3"/>',  # "Chat Started", the agent's "Connected", the line
        '<window-open name="b" from="a" url="https://%s/"/>' % h2,
        '<expect tab="b" chat="restored"/>',
        '<wait for="%s"/>' % waits[0],
        '<expect tab="a" transcript="3"/>',
        '<expect tab="b" transcript="3"/>',
        '<expect tab="b" sent="poll"/>',
        '<agent say="%s" after="%s"/>' % (say[1], after[0]),
        '<expect tab="b" transcript="4"/>',
        '<webchat tab="b" do="minimize"/>',
        '<wait for="%s"/>' % waits[1],
        '<expect tab="b" unread="0" minimized="true"/>',
        '<focus tab="a"/>',
        '<wait for="%s"/>' % waits[2],
        '<expect tab="a" transcript="4"/>',
        '<agent say="%s" after="%s"/>' % (say[2], after[1]),
        '<expect tab="b" unread="1"/>',
        '<expect tab="a" transcript="5"/>',
        '<expect cookie="%sping"/>' % state,
        '<navigate tab="a" url="https://%s/help"/>' % h3,
        '<expect tab="a" chat="restored" transcript="5"/>',
        '<webchat tab="a" do="end"/>',
        '<expect tab="a" chat="ended"/>',
        '<expect cookie="%ssession" present="false"/>' % state,
    ]
    return document("idle-poll widget scenario", i, seed, "bench widget idle", steps)


def is_widget(i, share):
    """Scenario i is a widget one for a `share` of the files, spread evenly (0: none, the original workload)."""
    return int((i + 1) * share) > int(i * share)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--widgets", type=float, default=0.0,
                    help="share of the files that run the widget model (0 to 1; 0: none)")
    ap.add_argument("--idle", type=float, default=0.0,
                    help="share of the widget files that are idle-poll ones (0 to 1; 0: none)")
    ap.add_argument("-o", "--out", required=True, help="directory to write NNNN.xml into")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in os.listdir(a.out):
        if name.endswith(".xml"):
            os.remove(os.path.join(a.out, name))
    if not 0 <= a.widgets <= 1:
        ap.error("--widgets is a share from 0 to 1")
    if not 0 <= a.idle <= 1:
        ap.error("--idle is a share from 0 to 1")
    # A second generator for the widget scenarios, so that --widgets 0 writes the original workload byte for byte.
    rng = random.Random(a.seed)
    wrng = random.Random(a.seed + 1)
    # A third for the idle-poll ones, so that --idle 0 leaves the other widget files as they were.
    irng = random.Random(a.seed + 2)
    nwidget = 0
    for i in range(a.count):
        if not is_widget(i, a.widgets):
            text = scenario(i, rng)
        else:
            text = idle_scenario(i, irng) if is_widget(nwidget, a.idle) else widget_scenario(i, wrng)
            nwidget += 1
        with open(os.path.join(a.out, "%04d.xml" % i), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


if __name__ == "__main__":
    main()
