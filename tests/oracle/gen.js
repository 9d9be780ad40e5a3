#!/usr/bin/env node
// A seeded generator of cookie traces (op files) for the real-browser oracle.
// Each trace sets cookies on a family of related hosts and then looks at them
// from sibling hosts, paths and schemes, ending with a dump, so that every
// disagreement between bsim and the browser shows as a value or dump line.
// The same seed and count always give the same files.
//
//   node gen.js --seed S --count N --out DIR
//
// The traces cover: sub-domains, public suffixes (co.uk, com.au, github.io),
// unknown TLDs, IP literals, localhost and its sub-domains, single-label
// hosts, trailing dots and upper case; Domain/Path/Secure/HttpOnly/SameSite/
// Max-Age/Expires/Priority/prefix combinations; sizes at and around the
// limits; many cookies per site; http/https mixes; and the Genesys widget's
// own cookies with the Domain its derivation gives; Set-Cookie and
// document.cookie writes crossing over HttpOnly and Secure Domain cookies
// with pages of other sites between them; control characters inside
// attributes. Instants are written as
// placeholders ({{date:+N}}) that the run fills in with its start time.
'use strict';

const fs = require('fs');
const path = require('path');

// Chromium's limits (browser-rules.md P6, P7, L2): the sizes and counts are
// generated at, just under and just over them.
const NAME_VALUE_MAX = 4096;
const ATTRIBUTE_VALUE_MAX = 1024;
const DOMAIN_MAX_COOKIES = 180;
// Real sleeps cost CI time (the harness sleeps for real); 4 s is well past
// the 2 s lifetimes it is used with, however slow the run before it.
const MAX_GENERATED_WAIT_S = 4;

// ------------------------------------------------------------------ rng

// mulberry32: small, fast and the same in every Node version.
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    weighted: (pairs) => {
      const total = pairs.reduce((s, [w]) => s + w, 0);
      let x = next() * total;
      for (const [w, v] of pairs) { if ((x -= w) < 0) return v; }
      return pairs[pairs.length - 1][1];
    },
  };
  return r;
}

// ------------------------------------------------------------------ hosts

// Families of hosts that share cookies (or are refused trying). `suffix` is
// the public suffix above the registrable domain, when there is one.
const FAMILIES = [
  { kind: 'domain', reg: 'testsite.com', suffix: 'com', hosts: ['testsite.com', 'www.testsite.com', 'store.testsite.com', 'a.b.testsite.com'] },
  { kind: 'domain', reg: 'example.co.uk', suffix: 'co.uk', hosts: ['example.co.uk', 'www.example.co.uk', 'shop.example.co.uk'] },
  { kind: 'domain', reg: 'example.com.au', suffix: 'com.au', hosts: ['example.com.au', 'www.example.com.au'] },
  { kind: 'domain', reg: 'foo.github.io', suffix: 'github.io', hosts: ['foo.github.io', 'www.foo.github.io', 'bar.github.io'] },
  { kind: 'domain', reg: 'shop.test', suffix: 'test', hosts: ['shop.test', 'www.shop.test', 'api.shop.test'] },
  { kind: 'domain', reg: 'localhost.com', suffix: 'com', hosts: ['localhost.com', 'www.localhost.com'] },
  { kind: 'localhost', reg: null, suffix: 'localhost', hosts: ['localhost', 'app.localhost', 'a.b.localhost'] },
  { kind: 'ip', reg: null, suffix: null, hosts: ['127.0.0.1', '10.1.2.3', '[::1]'] },
  { kind: 'single', reg: null, suffix: 'intranet', hosts: ['intranet', 'app.intranet'] },
  { kind: 'suffix', reg: null, suffix: null, hosts: ['co.uk', 'github.io', 'com'] },
  { kind: 'odd', reg: 'testsite.com', suffix: 'com', hosts: ['www.testsite.com.', 'WWW.TestSite.com', 'www.testsite.com'] },
];

const URL_PATHS = ['/', '/', '/', '/a', '/a/', '/a/b', '/a/b/c.html', '/blah', '/blahblah', '/A/', '/login', '/login/en', '/%7Eu/p'];
const PORTS = ['', '', '', '', '', ':8080', ':8443'];

function url(r, scheme, host, p = r.pick(URL_PATHS)) {
  return `${scheme}://${host}${r.pick(PORTS)}${p}`;
}

// Domain attribute values worth trying from `host`: itself, every parent,
// the public suffix, an unrelated site, an IP fragment, empty, odd case and
// dots.
function domainCandidates(r, fam, host) {
  const h = host.replace(/\.$/, '').toLowerCase();
  const labels = h.split('.');
  const out = [h];
  for (let i = 1; i < labels.length; i++) out.push(labels.slice(i).join('.'));
  if (fam.reg) out.push(fam.reg, fam.reg);
  if (fam.suffix) out.push(fam.suffix);
  out.push('other.com', '0.1', '', 'localhost', 'intranet');
  let d = r.pick(out);
  if (r.chance(0.3)) d = '.' + d;
  if (r.chance(0.1)) d = d.toUpperCase();
  if (r.chance(0.05)) d += '.';
  return d;
}

// ------------------------------------------------------------------ cookies

const NAMES = ['a', 'b', 'sid', 'id', 'theme', 'x', 'SID', 'lang', 'cart_id', 'n-1', 'k.v', '__Secure-a', '__Host-a', '__secure-b', '__HOST-b', '__Http-c', '__Host-Http-d', '__Secure'];
const VALUES = ['1', '2', 'abc', '', 'hello world', '"quoted"', 'a=b', 'é', '%7B%22k%22%3A1%7D', '7f3c2a90-5d1e-4b8a-9c61-2f0e8d4b1a77', 'true', ' spaced ', 'x;'];
const SAMESITE = ['Lax', 'Strict', 'None', 'lax', 'STRICT', 'none', 'Bogus', ''];
const PRIORITY = ['Low', 'High', 'Medium', 'low', 'Bogus'];

function cookieAttrs(r, fam, host, { allowExpiry = true } = {}) {
  const attrs = [];
  if (r.chance(0.45)) attrs.push(`${r.pick(['Domain', 'domain', 'DOMAIN'])}=${domainCandidates(r, fam, host)}`);
  if (r.chance(0.5)) attrs.push(`${r.pick(['Path', 'path'])}=${r.pick(['/', '/', '/a', '/a/', '/a/b', '', 'a', '/blah', '/login', '/A'])}`);
  if (r.chance(0.35)) attrs.push(r.pick(['Secure', 'secure', 'Secure=no']));
  if (r.chance(0.25)) attrs.push(r.pick(['HttpOnly', 'httponly']));
  if (r.chance(0.35)) attrs.push(`SameSite=${r.pick(SAMESITE)}`);
  if (r.chance(0.1)) attrs.push(`Priority=${r.pick(PRIORITY)}`);
  if (allowExpiry && r.chance(0.35)) {
    attrs.push(r.weighted([
      [4, `Max-Age=${r.pick(['3600', '86400', '600', '0', '-1', '40000000', 'abc', '+60', '99999999999999999999'])}`],
      [4, `Expires=${r.pick(['{{date:+3600}}', '{{date:-3600}}', '{{date:+86400}}', '{{date:+40000000}}', 'Thu, 01 Jan 1970 00:00:00 GMT', 'Fri, 01 Jan 2100 00:00:00 GMT', 'not a date'])}`],
      [1, `Max-Age=${r.pick(['3600', '0'])}; Expires=${r.pick(['{{date:-3600}}', '{{date:+7200}}'])}`],
    ]));
  }
  // Shuffle so that attribute order varies.
  for (let i = attrs.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [attrs[i], attrs[j]] = [attrs[j], attrs[i]];
  }
  return attrs;
}

function cookieString(r, name, value, attrs) {
  const pair = name === null ? value : `${name}=${value}`;
  return [pair, ...attrs].join(r.pick(['; ', '; ', ';', ' ; ']));
}

function write(r, lines, fam, host, str) {
  // A `set` is a response header; a `script` a document.cookie write.
  const scheme = r.chance(0.6) ? 'https' : 'http';
  if (r.chance(0.5)) lines.push(`set ${url(r, scheme, host)} ${str}`);
  else lines.push(`script ${url(r, scheme, host)} ${str}`);
}

function probes(r, lines, fam, n) {
  for (let i = 0; i < n; i++) {
    const host = r.pick(fam.hosts);
    const scheme = r.chance(0.6) ? 'https' : 'http';
    lines.push(`${r.chance(0.5) ? 'get' : 'read'} ${url(r, scheme, host)}`);
  }
}

// ------------------------------------------------------------------ kinds

function genAttrs(r) {
  const fam = r.pick(FAMILIES);
  const lines = [`# kind: attrs (${fam.kind} hosts)`];
  const n = r.int(2, 8);
  for (let i = 0; i < n; i++) {
    const host = r.pick(fam.hosts);
    const name = r.chance(0.05) ? null : r.pick(NAMES);
    write(r, lines, fam, host, cookieString(r, name, r.pick(VALUES), cookieAttrs(r, fam, host)));
    if (r.chance(0.3)) probes(r, lines, fam, 1);
  }
  probes(r, lines, fam, r.int(2, 5));
  lines.push('dump');
  return lines;
}

// The same name rewritten with a different scope, security, value or writer:
// replacement, shadowing (R5), creation order (R2, R3), S3 and S4.
function genOverwrite(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain' || f.kind === 'localhost'));
  const lines = [`# kind: overwrite (${fam.kind} hosts)`];
  const name = r.pick(['a', 'sid', '__Secure-s', 'x']);
  const n = r.int(3, 7);
  for (let i = 0; i < n; i++) {
    const host = r.pick(fam.hosts);
    const attrs = [];
    if (r.chance(0.5)) attrs.push(`Domain=${r.pick([fam.reg || host, host])}`);
    if (r.chance(0.6)) attrs.push(`Path=${r.pick(['/', '/a', '/a/b', '/login', '/login/en'])}`);
    if (r.chance(0.4)) attrs.push('Secure');
    if (r.chance(0.3)) attrs.push('HttpOnly');
    if (r.chance(0.2)) attrs.push(r.pick(['Max-Age=0', 'Expires={{date:-60}}', 'Max-Age=3600']));
    const value = r.chance(0.4) ? '1' : String(r.int(1, 9));
    write(r, lines, fam, host, cookieString(r, r.chance(0.7) ? name : r.pick(['b', 'c']), value, attrs));
    if (r.chance(0.4)) probes(r, lines, fam, 1);
  }
  probes(r, lines, fam, r.int(2, 4));
  lines.push('dump');
  return lines;
}

const PREFIXES = ['__Secure-', '__Host-', '__secure-', '__HOST-', '__Http-', '__Host-Http-', '__host-http-', '__Secure', '__SecureX-'];

function genPrefix(r) {
  const fam = r.pick(FAMILIES.filter((f) => ['domain', 'localhost', 'ip'].includes(f.kind)));
  const lines = [`# kind: prefix (${fam.kind} hosts)`];
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    const host = r.pick(fam.hosts);
    const attrs = [];
    if (r.chance(0.7)) attrs.push('Secure');
    if (r.chance(0.5)) attrs.push(`Path=${r.pick(['/', '/', '/a', ''])}`);
    if (r.chance(0.3)) attrs.push(`Domain=${r.pick([host.toLowerCase(), fam.reg || host])}`);
    if (r.chance(0.4)) attrs.push('HttpOnly');
    const nameless = r.chance(0.1);
    const name = nameless ? null : r.pick(PREFIXES) + r.pick(['id', 'x', '']);
    const value = nameless ? r.pick(PREFIXES) + 'v' : r.pick(['1', 'v']);
    write(r, lines, fam, host, cookieString(r, name, value, attrs));
  }
  probes(r, lines, fam, r.int(1, 3));
  lines.push('dump');
  return lines;
}

// Max-Age and Expires against the real clock: lifetimes of a few seconds
// only when the trace then sleeps well past them with nothing in between
// (bsim's clock stands still between steps, the browser's does not), and
// every other instant far from the run's steps.
function genLifetime(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain'));
  const lines = [`# kind: lifetime (${fam.kind} hosts)`];
  const host = r.pick(fam.hosts);
  const sleeps = r.chance(0.5);
  const short = sleeps ? ['Max-Age=1', 'Max-Age=2', 'Expires={{date:+2}}'] : [];
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    const life = r.weighted([
      [sleeps ? 3 : 0, r.pick(short.length ? short : [''])],
      [3, `Max-Age=${r.pick(['3600', '0', '-5', '34560000', '34560001', '50000000'])}`],
      [3, `Expires=${r.pick(['{{date:+3600}}', '{{date:-1}}', '{{date:+34560000}}', '{{date:+40000000}}'])}`],
      [2, ''],
    ]);
    const attrs = life ? [life, 'Path=/'] : ['Path=/'];
    write(r, lines, fam, host, cookieString(r, `c${i}`, 'v', attrs));
  }
  if (sleeps) lines.push(`wait ${MAX_GENERATED_WAIT_S}`);
  probes(r, lines, fam, 1);
  if (r.chance(0.3)) {
    lines.push('close');
    probes(r, lines, fam, 1);
  }
  lines.push('dump');
  return lines;
}

function bytesOf(s) { return Buffer.byteLength(s, 'utf8'); }

// Name+value at 4096 and one either side, in ASCII and in UTF-8; attribute
// values at 1024 and one either side (browser-rules.md P6, P7).
function genSize(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain'));
  const host = r.pick(fam.hosts);
  const lines = [`# kind: size (${fam.kind} hosts)`];
  const n = r.int(1, 4);
  for (let i = 0; i < n; i++) {
    const what = r.pick(['pair', 'pair', 'path', 'domain', 'other']);
    const name = `s${i}`;
    if (what === 'pair') {
      const total = NAME_VALUE_MAX + r.int(-2, 2);
      const multi = r.chance(0.3);
      let value = '';
      // A two-byte character straddles the limit when multi is set.
      while (bytesOf(name) + bytesOf(value) < total - (multi ? 2 : 0)) value += 'v';
      if (multi) value += 'é';
      while (bytesOf(name) + bytesOf(value) > total) value = value.slice(1);
      write(r, lines, fam, host, cookieString(r, name, value, ['Path=/']));
    } else if (what === 'path') {
      const len = ATTRIBUTE_VALUE_MAX + r.int(-1, 1);
      const p = '/' + 'p'.repeat(len - 1);
      lines.push(`set https://${host}/ ${name}=1; Path=${p}`);
      lines.push(`get https://${host}${p}`);
    } else if (what === 'domain') {
      const len = ATTRIBUTE_VALUE_MAX + r.int(-1, 1);
      const reg = fam.reg;
      const d = 'd'.repeat(Math.max(1, len - reg.length - 1)) + '.' + reg;
      lines.push(`set https://${host}/ ${name}=1; Domain=${d.slice(d.length - len)}`);
    } else {
      const len = ATTRIBUTE_VALUE_MAX + r.int(-1, 1);
      const attr = r.pick(['Expires', 'SameSite', 'Max-Age', 'Priority', 'Foo']);
      lines.push(`set https://${host}/ ${name}=1; Path=/; ${attr}=${'x'.repeat(len)}`);
    }
  }
  probes(r, lines, fam, r.int(1, 2));
  lines.push('dump');
  return lines;
}

// Around 180 cookies under one registrable domain, host-only and domain
// cookies together, some Secure: the per-site purge to 150 (L2).
function genCount(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain'));
  const lines = [`# kind: count (${fam.kind} hosts)`];
  const n = r.pick([DOMAIN_MAX_COOKIES - 1, DOMAIN_MAX_COOKIES, DOMAIN_MAX_COOKIES + 1, DOMAIN_MAX_COOKIES + 2, DOMAIN_MAX_COOKIES + 30, DOMAIN_MAX_COOKIES + 31]);
  const hosts = fam.hosts.slice(0, 2);
  // A few runs of writes per host: a navigation costs a real page load.
  const runLength = r.int(20, 90);
  let host = r.pick(hosts);
  for (let i = 0; i < n; i++) {
    if (i % runLength === runLength - 1) host = r.pick(hosts);
    const attrs = [];
    if (r.chance(0.3)) attrs.push(`domain=${fam.reg}`);
    if (r.chance(0.2)) attrs.push('secure');
    if (r.chance(0.05)) attrs.push(`priority=${r.pick(['Low', 'High'])}`);
    // Script writes: no navigation between them, so the run stays short.
    lines.push(`script https://${host}/ k${i}=${i}${attrs.length ? '; ' + attrs.join('; ') : ''}`);
  }
  probes(r, lines, { hosts }, 2);
  lines.push('dump');
  return lines;
}

// ------------------------------------------------------------------ widget

// The widget's cookie names (genesys-widgets-cookies.md).
const WIDGET_COOKIES = [
  '_genesys.widgets.app.autoLoadList', '_genesys.widgets.console.session',
  '_genesys.widgets.webchat.state.open', '_genesys.widgets.webchat.state.keys',
  '_genesys.widgets.webchat.state.ping', '_genesys.widgets.webchat.metaData',
  '_genesys.widgets.webchat.state.index', '_genesys.widgets.webchat.state.session',
  '_genesys.widgets.webchat.state.minimized', '_genesys.widgets.webchat.state.unreadMessages',
  '_genesys.widgets.webchat.state.purecloud-v2-sockets.JWTtoken',
  '_genesys.widgets.webchat.state.purecloud-v2-sockets.ConversationID',
];

// Second-level-domain table of the widget's URI.js (widget-behaviour.md H):
// bsim's own copy, sim/widgets/data/widget-sld-table.tsv.
function loadSld() {
  const file = path.join(__dirname, '../../sim/widgets/data/widget-sld-table.tsv');
  const table = new Map();
  for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!l || l.startsWith('#')) continue;
    const t = l.indexOf('\t');
    if (t > 0) table.set(l.slice(0, t), l.slice(t + 1));
  }
  return table;
}
const SLD = loadSld();

// The Domain the widget derives from a page host (widget-behaviour.md H):
// "last label plus one", or plus two when the last two labels are in the
// SLD table; null (host-only) for IPs and single labels.
function widgetDomain(host) {
  if (/^\[/.test(host) || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return null;
  const labels = host.split('.');
  if (labels.length === 1) return null;
  if (labels.length === 2) return host;
  let tld = labels[labels.length - 1];
  const l2 = labels[labels.length - 2];
  if (labels.length >= 3 && !labels.some((x) => x === '') && (SLD.get(tld) || '').includes(` ${l2} `)) tld = `${l2}.${tld}`;
  const rest = host.slice(0, host.length - tld.length - 1).split('.');
  return `${rest[rest.length - 1]}.${tld}`;
}

function genWidget(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind !== 'suffix'));
  const lines = [`# kind: widget (${fam.kind} hosts)`];
  const start = r.pick(fam.hosts);
  const scheme = r.chance(0.7) ? 'https' : 'http';
  const page = `${scheme}://${start}/`;
  const dom = widgetDomain(start.toLowerCase());
  // js-cookie as the widget calls it: Domain and Path only when dotted.
  const opts = (dom && dom.includes('.') ? `; path=/; domain=.${dom}` : '; path=/') + '; sameSite=strict' + (r.chance(0.15) ? '; secure' : '');
  const names = WIDGET_COOKIES.slice();
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    const name = names.splice(r.int(0, names.length - 1), 1)[0];
    const value = r.pick(['true', 'false', '7f3c2a90-5d1e-4b8a-9c61-2f0e8d4b1a77', '%5B%22WebChat%22%5D', '3', '1700000000000']);
    lines.push(`script ${page} ${name}=${value}${opts}`);
  }
  lines.push(`read ${page}`);
  // Restore on a sibling page, maybe over the other scheme.
  const other = r.pick(fam.hosts);
  lines.push(`read ${r.chance(0.7) ? scheme : (scheme === 'https' ? 'http' : 'https')}://${other}/${r.pick(['', 'cart'])}`);
  if (r.chance(0.4)) {
    // The widget deletes by rewriting with a past expiry, same Domain/Path.
    lines.push(`script ${page} _genesys.widgets.webchat.state.session=${opts}; expires=Thu, 01 Jan 1970 00:00:00 GMT`);
    lines.push(`get ${page}`);
  }
  if (r.chance(0.2)) {
    lines.push('close');
    lines.push(`read ${page}`);
  }
  lines.push('dump');
  return lines;
}

// Set-Cookie and document.cookie writing the same names back and forth
// on a site's pages, with reads between them: overwrite order (R2, R3),
// page writes over HttpOnly cookies (S4) and over Secure Domain cookies from
// http pages (S3), and pages of another site in between, which is where
// Firefox's content-process copy (cookie/process.c) differs from its store.
function genCrossWrite(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain'));
  const lines = [`# kind: cross-write (${fam.kind} hosts)`];
  const hosts = fam.hosts.slice(0, 2);
  const page = (scheme) => `${scheme}://${r.pick(hosts)}${r.pick(['/', '/', '/a/'])}`;
  const elsewhere = r.pick(FAMILIES.filter((f) => f.kind === 'domain' && f !== fam)).hosts[0];
  const names = ['a', 'b', r.pick(['sid', 'a'])];
  const n = r.int(4, 10);
  for (let i = 0; i < n; i++) {
    const name = r.pick(names);
    const value = String(r.int(1, 9));
    const step = r.weighted([[4, 'set'], [4, 'script'], [3, 'read'], [1, 'get'], [1, 'away']]);
    if (step === 'set') {
      const secure = r.chance(0.35);
      const attrs = [];
      if (r.chance(0.45)) attrs.push('HttpOnly');
      if (secure) attrs.push('Secure');
      if (r.chance(0.4)) attrs.push(`Domain=${fam.reg}`);
      if (r.chance(0.15)) attrs.push(r.pick(['Max-Age=3600', 'Max-Age=0', 'Path=/a']));
      lines.push(`set ${page(secure || r.chance(0.6) ? 'https' : 'http')} ${cookieString(r, name, value, attrs)}`);
    } else if (step === 'script') {
      const attrs = [];
      if (r.chance(0.3)) attrs.push(`domain=${fam.reg}`);
      if (r.chance(0.15)) attrs.push(r.pick(['max-age=3600', 'max-age=0', 'path=/']));
      lines.push(`script ${page(r.chance(0.5) ? 'https' : 'http')} ${cookieString(r, name, value, attrs)}`);
      // Most writes are looked at on the same page at once.
      if (r.chance(0.6)) lines.push(`read ${lines[lines.length - 1].split(' ')[1]}`);
    } else if (step === 'read' || step === 'get') {
      lines.push(`${step} ${page(r.chance(0.6) ? 'https' : 'http')}`);
    } else {
      lines.push(`get https://${elsewhere}/`);
    }
  }
  probes(r, lines, { hosts }, r.int(1, 3));
  lines.push('dump');
  return lines;
}

// Control characters inside attribute names and values, TAB above all:
// Chromium refuses a TAB in any attribute value, Firefox one in the final
// path only (browser-rules.md P1, T2); the others void the cookie in both.
function genAttrControl(r) {
  const fam = r.pick(FAMILIES.filter((f) => f.kind === 'domain'));
  const host = r.pick(fam.hosts);
  const lines = [`# kind: attribute control characters (${fam.kind} hosts)`];
  const n = r.int(2, 6);
  for (let i = 0; i < n; i++) {
    const ctl = r.weighted([[6, '\t'], [1, '\x01'], [1, '\x0b'], [1, '\x7f'], [1, '\x1f']]);
    const at = (s) => {
      const k = r.int(0, s.length);
      return s.slice(0, k) + ctl + s.slice(k);
    };
    const attr = r.weighted([
      [4, () => `Path=${at(r.pick(['/', '/a', '/a/b', 'a/b']))}`],
      [2, () => `Domain=${at(fam.reg)}`],
      [1, () => `SameSite=${at(r.pick(['Lax', 'Strict', 'None']))}`],
      [1, () => `Max-Age=${at('3600')}`],
      [1, () => `${at('Secure')}`],
      [1, () => `${at('HttpOnly')}`],
    ])();
    const str = cookieString(r, `c${i}`, r.pick(['1', 'v']), [attr]);
    lines.push(`${r.chance(0.6) ? 'set' : 'script'} https://${host}${r.pick(['/', '/a/', '/a/b'])} ${str}`);
  }
  probes(r, lines, fam, r.int(1, 2));
  lines.push('dump');
  return lines;
}

const KINDS = [
  [30, genAttrs], [15, genWidget], [15, genOverwrite], [10, genPrefix],
  [12, genLifetime], [10, genSize], [4, genCount], [12, genCrossWrite], [5, genAttrControl],
];

function generate(seed, count, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const files = [];
  for (let i = 0; i < count; i++) {
    // One stream per trace, so trace i is the same whatever the count.
    const r = rng((seed * 1000003 + i) >>> 0);
    const lines = r.weighted(KINDS)(r);
    const file = path.join(outDir, `gen-${seed}-${String(i).padStart(5, '0')}.ops`);
    fs.writeFileSync(file, `# generated: node gen.js --seed ${seed} (trace ${i})\n${lines.join('\n')}\n`);
    files.push(file);
  }
  return files;
}

module.exports = { generate, widgetDomain };

if (require.main === module) {
  const a = process.argv.slice(2);
  const opt = { seed: 1, count: 100, out: null };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--seed') opt.seed = Number(a[++i]);
    else if (a[i] === '--count') opt.count = Number(a[++i]);
    else if (a[i] === '--out') opt.out = a[++i];
    else { process.stderr.write(`gen: unknown argument ${a[i]}\n`); process.exit(2); }
  }
  if (!opt.out || !Number.isInteger(opt.seed) || !Number.isInteger(opt.count)) {
    process.stderr.write('usage: node gen.js --seed S --count N --out DIR\n');
    process.exit(2);
  }
  generate(opt.seed, opt.count, opt.out);
}
