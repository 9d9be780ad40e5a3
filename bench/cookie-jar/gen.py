#!/usr/bin/env python3
"""gen.py: writes the cookie-jar benchmark's workloads, in the op format that
`bsim cookie` reads (set / script / get / read / wait / close).

The workload is a seeded simulation of one browser profile visiting
thousands of sites: each site has a few host names (www., store., api. ...)
under a registrable domain of a realistic suffix mix (.com, .co.uk, .de,
private suffixes such as .github.io, and a few IP and localhost hosts), and
a cookie plan drawn from what sites really send: a session id, load-balancer
and bot-management cookies, analytics with long values, a consent record,
preferences and a cart with their own Path, __Host-/__Secure- tokens, and on
a quarter of the sites the Genesys widget's `_genesys.widgets.*` cookies,
which the widget writes from its page script (js-cookie) with
`Domain=.<site>`, exactly as its own code derives that domain.

A page load is a `get` (the navigation request) followed by the response's
Set-Cookie headers; the widget adds a `read` of document.cookie and its
`script` writes. Some headers must be refused by a browser (a Domain of
another site or of a public suffix, Secure from http, a name and value over
4096 bytes, a misused __Host- prefix, SameSite=None without Secure).

New sites join at a steady rate, so the jar grows through the whole run,
and revisits go mostly to recent sites, partly to any site seen before:
that keeps the character of each op the same from the small to the large
workload, and only the size of the jar differs. The virtual clock starts at
2015-01-01T00:00:00Z (the CLI's default "now") and moves by `wait`.

Same seed and size give a byte-identical file: one random.Random seeded with
the seed and the size is the only source of chance, lists (never sets or
dicts) are iterated, and no wall clock is read.

    gen.py --size small --seed 1 -o work/small.ops
    gen.py --ops 5000 --sites 100 --seed 7 -o -
"""

import argparse
import base64
import email.utils
import os
import random
import sys

# The CLI's default virtual "now": 2015-01-01T00:00:00Z, in seconds.
START_S = 1420070400

# Sizes. About 50 ops per site (20 Set-Cookie headers, as many requests,
# and the widget's reads and writes on its sites), so a size is its op
# count and the sites needed to fill it at that rate.
OPS_PER_SITE = 50
SIZES = {
    "small": (80_000, 80_000 // OPS_PER_SITE),
    "large": (2_000_000, 2_000_000 // OPS_PER_SITE),
}

# Requests a page makes besides its navigation (assets, XHR), with weights:
# 1.25 on average, which with the navigation itself gives about one `get`
# per Set-Cookie header.
SUBREQUESTS = [(0, 20), (1, 40), (2, 35), (3, 5)]

# Time between page loads. One visit in WAIT_EVERY ends with a `wait` of up
# to WAIT_MAX_S seconds: the large workload then spans about nine virtual
# days, below Chromium's 30-day idle age before its global purge
# (kSafeFromGlobalPurgeDays), so the jar keeps growing instead of being cut
# back to 3000 cookies, and the small one spans hours at the same rate.
WAIT_EVERY = 10
WAIT_MAX_S = 60

# Share of revisits that go to one of the RECENT_WINDOW sites seen last;
# the rest go to any site seen before.
RECENT_SHARE = 0.45
RECENT_WINDOW = 64

# A name and value over 4096 octets is refused (RFC 6265bis §5.6 step 6):
# the too-large cookies are built just past it.
TOO_LARGE = 4096 + 64

# Public suffixes the suffix mix draws from, with weights. The private ones
# (github.io ...) are in the public suffix list, so each user's site is its
# own registrable domain there.
SUFFIXES = [
    ("com", 44), ("co.uk", 9), ("de", 9), ("org", 5), ("net", 4), ("fr", 3),
    ("com.au", 3), ("io", 3), ("co.jp", 2), ("nl", 2), ("es", 2), ("it", 2),
    ("ca", 2), ("ch", 1), ("se", 1), ("pl", 1),
]
PRIVATE_SUFFIXES = [
    ("github.io", 4), ("netlify.app", 1), ("herokuapp.com", 1),
    ("blogspot.com", 1), ("vercel.app", 1), ("azurewebsites.net", 1),
]
# Share of sites by kind: a registrable domain, a private-suffix site, an
# IP address, a localhost port. Local hosts are few: a profile sees a
# handful of them, however many sites it visits.
KIND_WEIGHTS = [("domain", 900), ("private", 80), ("ip", 12), ("localhost", 8)]
LOCALHOST_HOSTS = ["localhost:3000", "localhost:4200", "localhost:5173", "localhost:8080",
                   "127.0.0.1:8000", "app.localhost:3000"]
IP_PREFIXES = ["192.0.2.", "198.51.100.", "203.0.113."]

# The second-level labels of the widget's own table (URI.js
# SecondLevelDomains, sim/widgets/data/widget-sld-table.tsv) for the
# suffixes used here: under them the widget keeps three labels.
WIDGET_SLD = {"uk": ["co", "ac", "gov", "ltd", "me", "net", "org", "plc", "sch"],
              "au": ["com", "net", "org", "edu", "gov", "asn", "id", "csiro"],
              "jp": ["ac", "ad", "co", "ed", "go", "gr", "lg", "ne", "or"]}

SUBDOMAINS = [("www", 60), ("store", 12), ("support", 10), ("api", 10), ("shop", 8),
              ("blog", 8), ("help", 6), ("m", 5), ("accounts", 5), ("portal", 4),
              ("app", 6), ("docs", 4)]

WORDS = """alpha amber apex arrow aster atlas aurora azure badger balance bamboo beacon
bear birch bison blue bolt bramble breeze bridge bright brook cactus calm canyon
cedar charm cherry cider citrus clear cliff cloud clover cobalt comet copper coral
cosmic cotton crane crest crown crystal cypress dawn delta desert dune eagle echo
ember emerald falcon fern field finch flame fleet flint flora forest fox frost
garden garnet gecko glade glow golden granite grove harbor hawk hazel heron
highland hollow honey horizon indigo iris island ivory jade jasmine juniper
kestrel lagoon lake lantern lark laurel lemon lily lime linden lotus lunar
maple marble marsh meadow mesa mint mist moss mountain nectar noble north
oak ocean olive onyx orbit orchid otter palm panda pearl pebble pepper pine
pixel plum polar poppy prairie prism quartz quill rain raven reef ridge river
robin rose ruby sage sand sapphire scarlet shadow shore sierra silver sky slate
snow solar sparrow spring spruce star stone storm summit sun swift thistle
thunder tide tiger timber topaz trail tulip tundra valley velvet vine violet
willow wind winter wolf wren zephyr""".split()
TRADES = """shop store market mart hub labs works studio goods supply outlet depot
bank insure travel tours foods kitchen bakery coffee books media news press
games sports fitness health clinic pharma energy motors parts tech cloud soft
data net systems solutions group partners finance home living style fashion
beauty pets garden tools print photo music video""".split()

PAGE_PATHS = ["/", "/", "/", "/index.html", "/products/{n}", "/products/{w}/{n}",
              "/category/{w}", "/cart", "/checkout", "/account", "/account/orders",
              "/account/settings", "/support/kb/{n}", "/support/contact", "/search?q={w}",
              "/blog/2014/{w}-{w2}", "/store/{w}", "/help/faq", "/about", "/api/v1/session"]

SESSION_NAMES = ["JSESSIONID", "PHPSESSID", "sid", "connect.sid", "ASP.NET_SessionId",
                 "session", "SESSION", "laravel_session", "_session_id", "sessionid"]
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

GENESYS = "_genesys.widgets."
GENESYS_CHAT = [  # written while a chat runs, legacy (GMS) transport
    "webchat.state.session", "webchat.state.keys", "webchat.state.ping", "webchat.state.index",
    "webchat.state.open", "webchat.state.minimized", "webchat.metaData",
]
GENESYS_CLOUD = [  # Genesys Cloud v2 transport
    "webchat.state.purecloud-v2-sockets.JWtoken", "webchat.state.purecloud-v2-sockets.ConversationID",
    "webchat.state.purecloud-v2-sockets.MemberID", "webchat.state.purecloud-v2-sockets.WS_URL",
    "webchat.state.purecloud-v2-sockets.LastMsgId",
]


def weighted(rng, table):
    """Pick from [(item, weight)]: random() and a linear walk, so the draw is stable."""
    total = 0
    for _, w in table:
        total += w
    x = rng.random() * total
    for item, w in table:
        x -= w
        if x < 0:
            return item
    return table[-1][0]


def imf_fixdate(seconds):
    """RFC 9110 §5.6.7 IMF-fixdate, e.g. Thu, 01 Jan 2015 00:00:00 GMT."""
    return email.utils.formatdate(seconds, usegmt=True)


class Rand:
    """The workload's random source and the token shapes real cookies have."""

    def __init__(self, seed):
        # A str seed goes through SHA-512 (random's version 2): stable across runs and Python versions.
        self.r = random.Random(seed)

    def hex(self, n):
        return "%0*x" % (n, self.r.getrandbits(4 * n))

    def digits(self, n):
        return "%0*d" % (n, self.r.randrange(10 ** n))

    def alnum(self, n):
        r = self.r
        return "".join([ALNUM[r.getrandbits(6) % 62] for _ in range(n)])

    def b64(self, n):
        raw = self.r.getrandbits(6 * n + 8).to_bytes((6 * n + 8 + 7) // 8, "little")
        return base64.b64encode(raw).decode()[:n]

    def guid(self):
        h = self.hex(32)
        return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


class Site:
    """One site: its hosts, whether it serves https, its cookie plan."""

    __slots__ = ("domain", "kind", "hosts", "https", "plan", "widget", "widget_attrs",
                 "chat", "has_session", "visits", "session_name", "ga", "lang", "cloud", "hotjar_id")


class Generator:
    def __init__(self, seed, ops, sites):
        # Seeded with the size too, so that the small workload is not the first part of the large one.
        self.rand = Rand("%d/%d/%d" % (seed, ops, sites))
        self.r = self.rand.r
        self.target_ops = ops
        self.target_sites = sites
        self.sites = []
        self.names = set()  # membership only; never iterated
        self.now = START_S
        self.out = []
        self.count = 0

    # ---- sites -------------------------------------------------------------

    def site_name(self):
        r = self.r
        while True:
            form = r.random()
            if form < 0.45:
                name = r.choice(WORDS) + r.choice(TRADES)
            elif form < 0.75:
                name = r.choice(WORDS) + "-" + r.choice(TRADES)
            elif form < 0.9:
                name = r.choice(WORDS) + r.choice(WORDS)
            else:
                name = r.choice(WORDS) + r.choice(TRADES) + str(r.randrange(2, 99))
            if name not in self.names:
                self.names.add(name)
                return name
            # Past the word pairs, a number keeps names unique.
            name = name + str(r.randrange(100, 10000))
            if name not in self.names:
                self.names.add(name)
                return name

    def widget_domain(self, s):
        """The Domain the widget computes (URI.js domain(), widget-behaviour.md A.2)."""
        if s.kind in ("ip", "localhost"):
            return None  # no dot in the result: host-only
        labels = s.domain.split(".")
        if len(labels) >= 3 and labels[-2] in WIDGET_SLD.get(labels[-1], []):
            return ".".join(labels[-3:])
        return ".".join(labels[-2:])  # for user.github.io this is github.io: refused

    def new_site(self):
        r = self.r
        s = Site()
        s.kind = weighted(r, KIND_WEIGHTS)
        s.visits = 0
        s.chat = False
        s.has_session = False
        s.cloud = r.random() < 0.3
        if s.kind == "domain":
            s.domain = self.site_name() + "." + weighted(r, SUFFIXES)
            hosts = []
            if r.random() < 0.25:
                hosts.append(s.domain)
            for _ in range(1 + r.randrange(4)):
                sub = weighted(r, SUBDOMAINS) + "." + s.domain
                if sub not in hosts:
                    hosts.append(sub)
            s.hosts = hosts
            s.https = r.random() < 0.85
        elif s.kind == "private":
            s.domain = self.site_name() + "." + weighted(r, PRIVATE_SUFFIXES)
            s.hosts = [s.domain]
            s.https = True
        elif s.kind == "ip":
            ip = r.choice(IP_PREFIXES) + str(1 + r.randrange(254))
            s.domain = ip
            s.hosts = [ip if r.random() < 0.5 else ip + ":" + r.choice(["8080", "8443", "3000"])]
            s.https = r.random() < 0.3
        else:
            host = r.choice(LOCALHOST_HOSTS)
            s.domain = host.split(":")[0]
            s.hosts = [host]
            s.https = False
        s.session_name = r.choice(SESSION_NAMES)
        s.hotjar_id = 1000000 + r.randrange(9000000)
        s.lang = r.choice(["en-GB", "en-US", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "ja-JP"])
        s.ga = "GA1.%d.%s.%d" % (len(s.domain.split(".")), self.rand.digits(10), self.now)
        plan = []
        if r.random() < 0.8:
            plan.append("analytics")
        if r.random() < 0.6:
            plan.append("consent")
        if r.random() < 0.5:
            plan.append("alb")
        if r.random() < 0.3:
            plan.append("cf")
        if r.random() < 0.55:
            plan.append("prefs")
        if r.random() < 0.4:
            plan.append("cart")
        if r.random() < 0.35:
            plan.append("csrf")
        if r.random() < 0.2:
            plan.append("host_prefix")
        if r.random() < 0.3:
            plan.append("hotjar")
        if r.random() < 0.25:
            plan.append("adobe")
        s.plan = plan
        s.widget = r.random() < 0.25
        wd = self.widget_domain(s)
        # js-cookie's attribute string, as the widget's build writes it.
        s.widget_attrs = "; path=/" + ("; domain=." + wd if wd else "") + "; sameSite=strict"
        self.sites.append(s)
        return s

    # ---- output ------------------------------------------------------------

    def emit(self, line):
        self.out.append(line)
        self.count += 1

    def url(self, s, host=None, path=None, scheme=None):
        r = self.r
        if host is None:
            host = r.choice(s.hosts)
        if scheme is None:
            # An https site is still reached over http now and then (an old link).
            scheme = "https" if s.https and r.random() >= 0.04 else "http"
        if path is None:
            path = r.choice(PAGE_PATHS)
            if "{" in path:
                path = path.format(n=r.randrange(1, 50000), w=r.choice(WORDS), w2=r.choice(WORDS))
        return scheme + "://" + host + path

    def expires(self, seconds):
        return "Expires=" + imf_fixdate(self.now + seconds)

    def cookie_domain(self, s):
        """Domain attribute for a site-wide cookie, with the case and dot mix seen in the wild."""
        if s.kind in ("ip", "localhost"):
            return ""
        r = self.r.random()
        if r < 0.7:
            return "; Domain=." + s.domain
        if r < 0.9:
            return "; domain=" + s.domain
        return "; Domain=" + s.domain.upper()

    # ---- what a response sets ---------------------------------------------

    def first_visit_headers(self, s, secure):
        """Set-Cookie headers of the first response a site sends this profile."""
        rand, r = self.rand, self.r
        h = []
        # The server marks its cookies Secure when the site is served over https; on the odd
        # visit over http a browser refuses them (RFC 6265bis §5.7 step 13).
        sec = "; Secure" if s.https else ""
        h.append("%s=%s; Path=/; HttpOnly%s; SameSite=Lax" % (s.session_name, rand.alnum(32), sec))
        s.has_session = True
        for kind in s.plan:
            if kind == "analytics":
                h.append("_ga=%s%s; Path=/; %s" % (s.ga, self.cookie_domain(s), self.expires(2 * 365 * 86400)))
                h.append("_gid=GA1.2.%s.%d%s; Path=/; %s" % (rand.digits(10), self.now, self.cookie_domain(s),
                                                             self.expires(86400)))
                h.append("_gat_UA-%s-1=1%s; Path=/; Max-Age=60" % (rand.digits(8), self.cookie_domain(s)))
                if r.random() < 0.5:
                    h.append("_fbp=fb.1.%d%s.%s%s; Path=/; Max-Age=7776000; SameSite=Lax" % (
                        self.now, rand.digits(3), rand.digits(10), self.cookie_domain(s)))
                if r.random() < 0.4:
                    h.append("_gcl_au=1.1.%s.%d%s; Path=/; %s" % (rand.digits(10), self.now, self.cookie_domain(s),
                                                                  self.expires(90 * 86400)))
            elif kind == "consent":
                if r.random() < 0.6:
                    groups = "%2C".join("C%04d%%3A%d" % (i, r.randrange(2)) for i in range(1, 6))
                    h.append("OptanonConsent=isGpcEnabled=0&datestamp=Thu+Jan+01+2015+00%%3A00%%3A00+GMT%%2B0000"
                             "&version=6.%d.0&isIABGlobal=false&hosts=&consentId=%s&interactionCount=1"
                             "&landingPath=NotLandingPage&groups=%s&AwaitingReconsent=false%s; Path=/; %s; SameSite=Lax"
                             % (r.randrange(10, 40), rand.guid(), groups, self.cookie_domain(s),
                                self.expires(365 * 86400)))
                    h.append("OptanonAlertBoxClosed=2015-01-01T00:00:%02d.000Z%s; Path=/; %s; SameSite=Lax" % (
                        r.randrange(60), self.cookie_domain(s), self.expires(365 * 86400)))
                else:
                    h.append("CookieConsent={stamp:%%27%s%%3D%%3D%%27%%2Cnecessary:true%%2Cpreferences:%s"
                             "%%2Cstatistics:true%%2Cmarketing:false%%2Cmethod:%%27explicit%%27%%2Cver:1"
                             "%%2Cutc:%d000%%2Cregion:%%27gb%%27}; Path=/; %s" % (
                                 rand.b64(54), r.choice(["true", "false"]), self.now, self.expires(365 * 86400)))
            elif kind == "alb":
                h.append("AWSALB=%s; Expires=%s; Path=/" % (rand.b64(140), imf_fixdate(self.now + 7 * 86400)))
                if s.https:
                    h.append("AWSALBCORS=%s; Expires=%s; Path=/; SameSite=None; Secure" % (
                        rand.b64(140), imf_fixdate(self.now + 7 * 86400)))
            elif kind == "cf":
                h.append("__cf_bm=%s-%d-0-%s; path=/; expires=%s; domain=.%s; HttpOnly%s; SameSite=None" % (
                    rand.alnum(43), self.now, rand.b64(92), imf_fixdate(self.now + 1800),
                    s.domain, sec))
            elif kind == "prefs":
                h.append("lang=%s; Path=/; Max-Age=31536000" % s.lang)
                h.append("currency=%s; Path=/store; Max-Age=31536000" % r.choice(["GBP", "EUR", "USD", "JPY"]))
                h.append("recently_viewed=%s; Path=/products; %s" % (
                    "%2C".join(str(r.randrange(1, 50000)) for _ in range(1 + r.randrange(8))),
                    self.expires(30 * 86400)))
            elif kind == "cart":
                h.append("cart_id=%s; Path=/cart; Max-Age=1209600%s" % (rand.guid(), sec))
            elif kind == "csrf":
                h.append("csrftoken=%s; Path=/; Max-Age=31449600; SameSite=Strict%s" % (rand.alnum(64), sec))
            elif kind == "host_prefix":
                if secure:
                    h.append("__Host-id=%s; Path=/; Secure; HttpOnly; SameSite=Lax" % rand.hex(40))
                    h.append("__Secure-auth=%s; Path=/account; Secure; HttpOnly; Max-Age=86400" % rand.b64(88))
            elif kind == "hotjar":
                h.append("_hjSessionUser_%d=%s%s; Path=/; %s" % (
                    s.hotjar_id, rand.b64(120), self.cookie_domain(s), self.expires(365 * 86400)))
            elif kind == "adobe":
                h.append("AMCV_%s%%40AdobeOrg=-1124106680%%7CMCIDTS%%7C16437%%7CMCMID%%7C%s%%7CMCAAMLH-%d"
                         "%%7C6%%7CMCAAMB-%d%%7C%s%%7CMCOPTOUT-%d%%7CvVersion%%7C5.2.0%s; Path=/; %s" % (
                             rand.hex(24).upper(), rand.digits(38), self.now + 604800, self.now + 604800,
                             rand.b64(100), self.now + 7200, self.cookie_domain(s),
                             self.expires(2 * 365 * 86400)))
        return h

    def revisit_headers(self, s, secure):
        """What later responses set: refreshed session, load balancer, analytics."""
        rand, r = self.rand, self.r
        h = []
        # The server marks its cookies Secure when the site is served over https; on the odd
        # visit over http a browser refuses them (RFC 6265bis §5.7 step 13).
        sec = "; Secure" if s.https else ""
        if not s.has_session:
            h.append("%s=%s; Path=/; HttpOnly%s; SameSite=Lax" % (s.session_name, rand.alnum(32), sec))
            s.has_session = True
        elif r.random() < 0.05:
            # Logout: the server deletes the session with Max-Age=0.
            h.append("%s=; Path=/; Max-Age=0; HttpOnly%s" % (s.session_name, sec))
            s.has_session = False
        for kind in s.plan:
            if kind == "alb":
                h.append("AWSALB=%s; Expires=%s; Path=/" % (rand.b64(140), imf_fixdate(self.now + 7 * 86400)))
            elif kind == "analytics" and r.random() < 0.5:
                h.append("_gid=GA1.2.%s.%d%s; Path=/; %s" % (rand.digits(10), self.now, self.cookie_domain(s),
                                                             self.expires(86400)))
            elif kind == "cf" and r.random() < 0.3:
                h.append("__cf_bm=%s-%d-0-%s; path=/; expires=%s; domain=.%s; HttpOnly%s; SameSite=None" % (
                    rand.alnum(43), self.now, rand.b64(92), imf_fixdate(self.now + 1800), s.domain, sec))
            elif kind == "cart" and r.random() < 0.2:
                h.append("cart_id=%s; Path=/cart; Max-Age=1209600%s" % (rand.guid(), sec))
            elif kind == "prefs" and r.random() < 0.15:
                h.append("recently_viewed=%s; Path=/products; %s" % (
                    "%2C".join(str(r.randrange(1, 50000)) for _ in range(1 + r.randrange(12))),
                    self.expires(30 * 86400)))
        if r.random() < 0.12:
            # A cookie scoped to the page's own directory (no Path attribute).
            h.append("view_%s=%d; Max-Age=%d" % (r.choice(WORDS), r.randrange(1000), r.choice([600, 3600, 86400])))
        return h

    def refused_header(self, s, secure):
        """A header a browser must refuse, or None when the site gives no such chance."""
        rand, r = self.rand, self.r
        x = r.random()
        if x < 0.3 and len(self.sites) > 1:
            other = self.sites[r.randrange(len(self.sites))]
            if other is not s and other.kind in ("domain", "private"):
                return "_trk=%s; Domain=.%s; Path=/; Max-Age=86400" % (rand.hex(16), other.domain)
        if x < 0.5:
            # The site's own public suffix (co.uk, github.io), or .com for an IP or localhost.
            suffix = s.domain.split(".", 1)[1] if s.kind in ("domain", "private") else "com"
            return "pref=%s; Domain=.%s; Path=/" % (rand.hex(8), suffix)
        if x < 0.65 and not secure:
            return "secure_sid=%s; Path=/; Secure; HttpOnly" % rand.alnum(24)
        if x < 0.75:
            return "__Host-pref=%s; Path=/; Secure; Domain=.%s" % (rand.hex(12), s.domain)
        if x < 0.9:
            return "tp_id=%s; Path=/; SameSite=None" % rand.hex(20)
        if x < 0.93:
            return "big_state=%s; Path=/" % rand.b64(TOO_LARGE)
        return None

    # ---- the widget ----------------------------------------------------------

    def widget_ops(self, s, url):
        """The widget on a page load: it reads document.cookie, then writes while a chat runs."""
        rand, r = self.rand, self.r
        a = s.widget_attrs
        self.emit("read " + url)
        if not s.chat:
            if r.random() < 0.25:
                s.chat = True
                self.emit("script %s %sapp.autoLoadList=%s%s" % (
                    url, GENESYS, "%7B%22WebChatService%22%3Atrue%2C%22WebChat%22%3Atrue%7D", a))
                self.emit("script %s %swebchat.state.open=true%s" % (url, GENESYS, a))
                if s.cloud:
                    self.emit("script %s %swebchat.state.purecloud-v2-sockets.JWtoken=%s.%s.%s%s" % (
                        url, GENESYS, rand.b64(36), rand.b64(420), rand.b64(43), a))
                    self.emit("script %s %swebchat.state.purecloud-v2-sockets.ConversationID=%s%s" % (
                        url, GENESYS, rand.guid(), a))
                    self.emit("script %s %swebchat.state.purecloud-v2-sockets.MemberID=%s%s" % (
                        url, GENESYS, rand.guid(), a))
                    self.emit("script %s %swebchat.state.purecloud-v2-sockets.WS_URL=%s%s" % (
                        url, GENESYS, "wss%3A%2F%2Fstreaming.mypurecloud.com%2Fchannels%2F" + rand.hex(32), a))
                else:
                    self.emit("script %s %swebchat.state.session=%s%s" % (url, GENESYS, rand.alnum(22), a))
                    self.emit("script %s %swebchat.state.keys=%s%s" % (
                        url, GENESYS, "%7B%22secureKey%22%3A%22" + rand.hex(16) + "%22%2C%22alias%22%3A%22"
                        + rand.digits(3) + "%22%2C%22userId%22%3A%22" + rand.hex(16) + "%22%7D", a))
                self.emit("script %s %swebchat.metaData=%s%s" % (
                    url, GENESYS, "%7B%22chatStarted%22%3A" + str(self.now) + "000%7D", a))
            return
        # A chat is running: the transport writes its progress on each page.
        if s.cloud:
            self.emit("script %s %swebchat.state.purecloud-v2-sockets.LastMsgId=%s%s" % (
                url, GENESYS, rand.guid(), a))
        else:
            self.emit("script %s %swebchat.state.ping=%d%03d%s" % (url, GENESYS, self.now, r.randrange(1000), a))
            self.emit("script %s %swebchat.state.index=%d%s" % (url, GENESYS, r.randrange(1, 60), a))
        if r.random() < 0.3:
            self.emit("script %s %swebchat.state.minimized=%s%s" % (
                url, GENESYS, r.choice(["true", "false"]), a))
        if r.random() < 0.15:
            # The chat ends: js-cookie deletes with an expiry one day back.
            gone = imf_fixdate(self.now - 86400)
            for name in (GENESYS_CLOUD[:4] if s.cloud else GENESYS_CHAT[:4]):
                self.emit("script %s %s%s=; expires=%s%s" % (url, GENESYS, name, gone, a))
            self.emit("script %s %sapp.autoLoadList=%s%s" % (
                url, GENESYS, "%7B%22WebChatService%22%3Afalse%2C%22WebChat%22%3Afalse%7D", a))
            s.chat = False

    # ---- the run ---------------------------------------------------------------

    def visit(self, s):
        r = self.r
        first = s.visits == 0
        s.visits += 1
        pages = 1 + r.randrange(3)
        for p in range(pages):
            host = r.choice(s.hosts)
            url = self.url(s, host=host)
            secure = url.startswith("https:")
            self.emit("get " + url)
            if first and p == 0:
                headers = self.first_visit_headers(s, secure)
            else:
                headers = self.revisit_headers(s, secure)
            if r.random() < 0.08:
                bad = self.refused_header(s, secure)
                if bad is not None:
                    headers.append(bad)
            for h in headers:
                self.emit("set %s %s" % (url, h))
            # The page's own requests: assets on its host, an XHR to the site's api host, now and
            # then a host this profile never visits. A page averages one (SUBREQUESTS).
            scheme = "https" if secure else "http"
            for _ in range(weighted(r, SUBREQUESTS)):
                x = r.random()
                if x < 0.6:
                    self.emit("get %s://%s/%s/%s.%s" % (scheme, host, r.choice(["static", "assets", "img", "css"]),
                                                        self.rand.hex(8), r.choice(["js", "css", "png", "webp"])))
                elif x < 0.9:
                    api = "api." + s.domain if s.kind == "domain" else host
                    self.emit("get %s://%s/api/v1/%s/%d" % (scheme, api, r.choice(WORDS), r.randrange(1000)))
                else:
                    self.emit("get https://cdn%d.%s%s.com/assets/%s.js" % (
                        r.randrange(4), r.choice(WORDS), r.choice(TRADES), self.rand.hex(8)))
            if s.widget:
                self.widget_ops(s, url)

    def run(self):
        r = self.r
        self.emit("# bsim cookie-jar benchmark workload: %d ops over %d sites (gen.py)" % (
            self.target_ops, self.target_sites))
        self.count = 0  # the comment is not an op
        closed = False
        visits = 0
        while self.count < self.target_ops:
            due = self.target_sites * self.count / self.target_ops
            if not self.sites or (len(self.sites) < self.target_sites and len(self.sites) <= due):
                s = self.new_site()
            elif r.random() < RECENT_SHARE:
                n = len(self.sites)
                s = self.sites[n - 1 - r.randrange(min(n, RECENT_WINDOW))]
            else:
                s = self.sites[r.randrange(len(self.sites))]
            self.visit(s)
            visits += 1
            if visits % WAIT_EVERY == 0:
                step = 1 + r.randrange(WAIT_MAX_S)
                self.emit("wait %d" % step)
                self.now += step
            if not closed and self.count >= self.target_ops * 0.6:
                # The browser closes once: session cookies go, sites set new ones.
                self.emit("close")
                closed = True
                for site in self.sites:
                    site.has_session = False
                    site.chat = False
        return self.out


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", choices=sorted(SIZES), help="a preset: small (80k ops) or large (2M ops)")
    ap.add_argument("--ops", type=int, help="ops to write (at least; a visit is not cut)")
    ap.add_argument("--sites", type=int, help="sites to spread them over")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-", help="file to write, - for standard output")
    a = ap.parse_args(argv)
    ops, sites = SIZES.get(a.size, (None, None))
    ops = a.ops or ops
    sites = a.sites or sites or max(1, (ops or 0) // OPS_PER_SITE)
    if not ops:
        ap.error("give --size or --ops")
    lines = Generator(a.seed, ops, sites).run()
    text = "\n".join(lines) + "\n"
    if a.output == "-":
        sys.stdout.write(text)
    else:
        # Written under a temporary name first: a run stopped half-way leaves no short file behind.
        tmp = a.output + ".tmp"
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, a.output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
