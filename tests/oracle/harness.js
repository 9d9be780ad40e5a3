#!/usr/bin/env node
// Replays a bsim op file ("trace") in a real browser and prints what the
// browser did in the `bsim cookie --json` form (docs/cookie-command.md), so
// that bsim and the browser can be compared line by line. One loopback
// server answers for every host name, http and https on the same port; the
// browser is told to resolve every name to it and reaches nothing else.
// Chromium is driven over CDP with playwright-core, Firefox ESR over WebDriver
// BiDi with puppeteer-core (firefox.js).
//
//   node harness.js [--browser chromium|firefox] [--now-file F] TRACE...
//
// Used as a module by compare.js: a Worker owns one server and one browser
// and runs many traces on it, each in a fresh browser context (a fresh
// profile and a restart when the trace closes the browser).
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const tls = require('tls');
const { spawn, execFileSync } = require('child_process');
const { parseTrace, expandTrace, isoSeconds } = require('./ops');

const CHROMIUM = process.env.BSIM_ORACLE_CHROMIUM || '/usr/bin/chromium';

// Flags from ../shared/reference/real-browsers.md: headless, no background
// traffic, and every host name resolved to our loopback server. HttpsUpgrades
// off, or http pages silently become https when the server also speaks TLS.
function chromiumFlags(profile, port) {
  return [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--no-default-browser-check', '--password-store=basic', '--use-mock-keychain',
    '--remote-debugging-port=0', `--user-data-dir=${profile}`,
    `--host-resolver-rules=MAP * 127.0.0.1:${port}`,
    '--ignore-certificate-errors', '--disable-features=HttpsUpgrades',
    'about:blank',
  ];
}

// How long one navigation or browser start may take before the trace is
// reported as broken: generous, the machine runs two browsers on two cores.
const STEP_TIMEOUT_MS = 20000;
const LAUNCH_TIMEOUT_MS = 30000;
// How long after a navigation finished the request may still be unseen: it is
// always seen before the page loads, so this only bounds a broken run.
const SERVER_WAIT_MS = 2000;
// The longest `wait` slept for real: the browser has only the wall clock, and
// a CI run cannot spend minutes asleep. Traces with longer waits are skipped.
const MAX_REAL_WAIT_S = 10;
// Traces run on one shared browser (each in a fresh context) before it is
// restarted.
const SHARED_BROWSER_RUNS = 500;
// A page with no sub-resources and an inline icon, so that the browser makes
// no request of its own (a favicon fetch would carry cookies too).
const PAGE = Buffer.from('<!doctype html><meta charset=utf-8><link rel=icon href="data:,"><title>bsim oracle</title><p>bsim oracle page\n');

// ---------------------------------------------------------------- certificate

let certCache = null;
// A self-signed certificate made at run time; the browser is told to accept
// any certificate, so one certificate serves every host name.
function certificate(tmp) {
  if (certCache) return certCache;
  const key = path.join(tmp, 'key.pem');
  const cert = path.join(tmp, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=bsim-oracle'], { stdio: 'ignore' });
  certCache = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  return certCache;
}

// ---------------------------------------------------------------- server

// One port, two protocols: the first byte of a TLS connection is a handshake
// record (0x16); anything else is plain HTTP/1.1. Responses are written as raw
// bytes because Set-Cookie values under test hold bytes (control characters,
// non-ASCII) that Node's own HTTP server refuses to send.
class LoopbackServer {
  constructor(tmp) {
    this.tls = tls.createServer(certificate(tmp), (t) => this.serve(t, 'https'));
    this.tls.on('tlsClientError', () => {});
    this.pending = null; // {scheme, host, target, setCookie, seen(cookie)}
    this.server = net.createServer((sock) => this.accept(sock));
  }

  async listen() {
    await new Promise((resolve) => this.tls.listen(0, '127.0.0.1', resolve));
    this.tlsPort = this.tls.address().port;
    await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = this.server.address().port;
    return this.port;
  }

  close() { this.server.close(); this.tls.close(); }

  // The next request for scheme://host/target gets this answer; the promise
  // of expect() resolves with the Cookie header that request carried.
  expect(scheme, host, target, setCookie) {
    return new Promise((resolve) => {
      this.pending = { scheme, host, target, setCookie, seen: resolve };
    });
  }

  accept(sock) {
    sock.on('error', () => {});
    sock.once('data', (first) => {
      sock.pause();
      sock.unshift(first);
      // TLS goes through to the TLS server on a second, internal loopback
      // port (a TLS socket cannot take over a socket whose first bytes were
      // already read).
      if (first[0] === 0x16) {
        const inner = net.connect(this.tlsPort, '127.0.0.1');
        inner.on('error', () => sock.destroy());
        sock.on('error', () => inner.destroy());
        sock.pipe(inner).pipe(sock);
      } else {
        this.serve(sock, 'http');
      }
      sock.resume();
    });
  }

  serve(sock, scheme) {
    let buf = Buffer.alloc(0);
    const onData = (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      sock.removeListener('data', onData);
      const head = buf.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target] = head[0].split(' ');
      // As Firefox's proxy (it has no resolver flag): CONNECT opens a tunnel
      // to the TLS server, and plain http arrives in absolute form.
      if (method === 'CONNECT') {
        sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const inner = net.connect(this.tlsPort, '127.0.0.1');
        inner.on('error', () => sock.destroy());
        const rest = buf.subarray(end + 4);
        if (rest.length) inner.write(rest);
        sock.pipe(inner).pipe(sock);
        return;
      }
      const headers = {};
      for (const h of head.slice(1)) {
        const c = h.indexOf(':');
        if (c > 0) {
          const k = h.slice(0, c).trim().toLowerCase();
          const v = h.slice(c + 1).trim();
          headers[k] = k in headers ? `${headers[k]}; ${v}` : v;
        }
      }
      this.respond(sock, scheme, method, target, headers);
    };
    sock.on('data', onData);
  }

  respond(sock, scheme, method, target, headers) {
    const host = (headers.host || '').toLowerCase();
    const absolute = /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(target);
    if (absolute) target = absolute[1] || '/';
    const p = this.pending;
    const parts = ['HTTP/1.1 200 OK', 'Content-Type: text/html; charset=utf-8',
      'Cache-Control: no-store', `Content-Length: ${PAGE.length}`, 'Connection: close'];
    let setCookie = null;
    if (p && method === 'GET' && p.host === host && p.target === target) {
      // A request for the right page over the other scheme is the browser's
      // own upgrade (HSTS preload list): not the step the trace asked for.
      this.pending = null;
      if (p.scheme === scheme) setCookie = p.setCookie;
      p.seen({ scheme, cookie: headers.cookie === undefined ? '' : Buffer.from(headers.cookie, 'latin1').toString('utf8') });
    }
    const chunks = [Buffer.from(parts.join('\r\n') + '\r\n', 'latin1')];
    if (setCookie) chunks.push(Buffer.from('Set-Cookie: ', 'latin1'), setCookie, Buffer.from('\r\n', 'latin1'));
    chunks.push(Buffer.from('\r\n', 'latin1'));
    if (method !== 'HEAD') chunks.push(PAGE);
    sock.end(Buffer.concat(chunks));
  }
}

// ---------------------------------------------------------------- chromium

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

// One Chromium process on a given profile directory.
class ChromiumProcess {
  constructor(profile, port) { this.profile = profile; this.port = port; }

  async start() {
    const { chromium } = require('playwright-core');
    this.proc = spawn(CHROMIUM, chromiumFlags(this.profile, this.port), { stdio: ['ignore', 'ignore', 'pipe'] });
    this.exited = new Promise((r) => this.proc.once('exit', r));
    const endpoint = await withTimeout(new Promise((resolve, reject) => {
      let err = '';
      this.proc.stderr.on('data', (d) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
      this.proc.once('exit', (code) => reject(new Error(`chromium exited (${code}) before it listened: ${err.slice(-500)}`)));
    }), LAUNCH_TIMEOUT_MS, 'chromium start');
    this.browser = await chromium.connectOverCDP(endpoint);
    this.version = this.browser.version();
  }

  // A real quit: Browser.close shuts Chromium down cleanly, so the next start
  // on this profile is not a crash recovery (which would restore session
  // cookies, browser-rules.md C3).
  async quit() {
    try {
      const cdp = await this.browser.newBrowserCDPSession();
      await cdp.send('Browser.close').catch(() => {});
    } catch (_) { /* already gone */ }
    await withTimeout(this.exited, LAUNCH_TIMEOUT_MS, 'chromium quit').catch(() => this.proc.kill('SIGKILL'));
    await this.browser.close().catch(() => {});
  }

  kill() { try { this.proc.kill('SIGKILL'); } catch (_) { /* gone */ } }

  // A tab for one trace: in a fresh context (fresh = true) or in the
  // profile's own default context, which is what a restart keeps.
  async newSession(fresh) {
    const context = fresh ? await this.browser.newContext({ ignoreHTTPSErrors: true }) : this.browser.contexts()[0];
    let page = context.pages()[0] || await context.newPage();
    return {
      goto: (url) => page.goto(url),
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      cookies: async () => {
        const cdp = await context.newCDPSession(page);
        const { cookies } = await cdp.send('Network.getAllCookies');
        await cdp.detach().catch(() => {});
        return cookies.map(cdpCookieFields);
      },
      dispose: async () => { if (fresh) await context.close().catch(() => {}); page = null; },
    };
  }
}

// CDP Network.Cookie → one `bsim cookie --json` dump line (without type/op/line).
function cdpCookieFields(c) {
  const hostOnly = !c.domain.startsWith('.');
  return {
    name: c.name,
    value: c.value,
    domain: hostOnly ? c.domain : c.domain.slice(1),
    host_only: hostOnly,
    path: c.path,
    secure: !!c.secure,
    http_only: !!c.httpOnly,
    // CDP leaves sameSite out when the cookie had no valid attribute.
    same_site: c.sameSite ? c.sameSite.toLowerCase() : 'unspecified',
    priority: (c.priority || 'Medium').toLowerCase(),
    persistent: !c.session,
    expires: c.session ? null : isoSeconds(Math.round(c.expires)),
    partition_key: c.partitionKey ? (c.partitionKey.topLevelSite || String(c.partitionKey)) : null,
  };
}

// ---------------------------------------------------------------- worker

// A trace step the harness cannot replay faithfully: the trace is skipped,
// not failed.
class Unsupported extends Error {}

// Why a real browser cannot replay these steps as bsim means them, or null.
function cannotReplay(ops) {
  for (const o of ops) {
    const at = `line ${o.line}: `;
    if (o.op === 'wait' && o.seconds > MAX_REAL_WAIT_S) {
      return `${at}wait ${o.seconds} is longer than the ${MAX_REAL_WAIT_S} s a real browser is made to sleep`;
    }
    if (o.url) {
      let scheme;
      try { scheme = new URL(o.url).protocol; } catch (_) { return `${at}the URL ${o.url} does not parse`; }
      if (!['http:', 'https:', 'file:'].includes(scheme)) return `${at}cannot navigate to ${scheme} URLs`;
      if (o.op === 'set' && scheme === 'file:') return `${at}a file: page has no response headers`;
    }
    // Bytes HTTP/1.1 cannot carry inside one header: CR and LF end it, and
    // Chromium refuses a whole response holding a NUL.
    if (o.op === 'set' && /[\r\n\0]/.test(o.value.toString('latin1'))) {
      return `${at}a CR, LF or NUL cannot travel inside one HTTP header`;
    }
  }
  return null;
}

// Owns a temp dir, a loopback server and (lazily) a shared Chromium whose
// fresh contexts run traces that never close the browser.
class Worker {
  constructor(Process = ChromiumProcess) {
    this.Process = Process;
    this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsim-oracle-'));
    this.server = new LoopbackServer(this.tmp);
    this.shared = null;
    this.profiles = 0;
  }

  async init() { await this.server.listen(); }

  newProfile() {
    const dir = path.join(this.tmp, `profile-${++this.profiles}`);
    fs.mkdirSync(dir);
    return dir;
  }

  async sharedBrowser() {
    // A long run restarts the shared browser now and then, so that whatever
    // a browser accumulates over thousands of contexts cannot pile up.
    if (this.shared && this.sharedRuns >= SHARED_BROWSER_RUNS) {
      await this.shared.quit().catch(() => this.shared.kill());
      this.shared = null;
    }
    if (!this.shared) {
      this.sharedRuns = 0;
      this.shared = new this.Process(this.newProfile(), this.server.port);
      await this.shared.start();
    }
    return this.shared;
  }

  async version() { return (await this.sharedBrowser()).version; }

  async close() {
    if (this.shared) await this.shared.quit().catch(() => this.shared.kill());
    this.server.close();
    fs.rmSync(this.tmp, { recursive: true, force: true });
  }

  // The page file a file: URL stands for: the same path under our temp dir.
  fileUrl(u) {
    const p = path.join(this.tmp, 'files', decodeURIComponent(u.pathname));
    if (u.pathname.endsWith('/')) {
      fs.mkdirSync(p, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      if (!fs.existsSync(p)) fs.writeFileSync(p, PAGE);
    }
    return 'file://' + p + (u.pathname.endsWith('/') && !p.endsWith('/') ? '/' : '');
  }

  // Runs one trace (a Buffer; its placeholders are expanded here, with the
  // instant the first step runs). Returns {lines, t0, trace, end, skipped?}:
  // lines in the bsim --json form, t0 the start in whole seconds (what bsim's
  // --now must be), trace the expanded text.
  async run(template, name = 'trace') {
    const planned = parseTrace(template);
    const closes = planned.some((o) => o.op === 'close');
    const why = cannotReplay(planned);
    if (why) return { lines: [], t0: 0, trace: template, end: 0, skipped: why };
    let proc;
    let own = null;
    if (closes) {
      own = new this.Process(this.newProfile(), this.server.port);
      await own.start();
      proc = own;
    } else {
      proc = await this.sharedBrowser();
      this.sharedRuns++;
    }
    let session;
    try {
      session = await proc.newSession(!closes);
    } catch (e) {
      if (own) await own.quit().catch(() => own.kill());
      throw e;
    }
    const lines = [];
    // Whole seconds, rounded down: every browser instant is at or after t0.
    const t0 = Math.floor(Date.now() / 1000);
    const trace = expandTrace(template, t0);
    const ops = parseTrace(trace);
    let at = null; // the URL the tab shows, as the trace wrote it
    const navigate = async (url, setCookie) => {
      const u = new URL(url);
      at = url;
      if (u.protocol === 'file:') {
        await withTimeout(session.goto(this.fileUrl(u)), STEP_TIMEOUT_MS, `goto ${url}`);
        return '';
      }
      const seen = this.server.expect(u.protocol.slice(0, -1), u.host, u.pathname + u.search, setCookie);
      await withTimeout(session.goto(url), STEP_TIMEOUT_MS, `goto ${url}`);
      const got = await withTimeout(seen, SERVER_WAIT_MS, `the server never saw ${url}`);
      if (got.scheme !== u.protocol.slice(0, -1)) {
        throw new Unsupported(`the browser fetched ${url} over ${got.scheme} (a host on its HSTS preload list)`);
      }
      return got.cookie;
    };
    let current = null;
    try {
      for (let i = 0; i < ops.length; i++) {
        const o = ops[i];
        current = o;
        const base = { op: o.op, line: o.line };
        switch (o.op) {
          case 'set':
            await navigate(o.url, o.value);
            break;
          case 'get': {
            const v = await navigate(o.url, null);
            lines.push({ type: 'value', ...base, url: o.url, value: v });
            break;
          }
          case 'script':
          case 'read': {
            if (at !== o.url) await navigate(o.url, null);
            if (o.op === 'script') {
              // Consecutive writes on this page go in one evaluation: the
              // same writes in the same order, without a round trip each.
              const batch = [o.value.toString('utf8')];
              while (i + 1 < ops.length && ops[i + 1].op === 'script' && ops[i + 1].url === o.url) {
                batch.push(ops[++i].value.toString('utf8'));
              }
              current = ops[i];
              // Chromium sends each write to its cookie store without waiting
              // for it; a read goes down the same pipe and waits, so once it
              // returns every write has landed and the next step sees them.
              await session.evaluate((ss) => { for (const s of ss) document.cookie = s; return document.cookie; }, batch);
            } else {
              const v = await session.evaluate(() => document.cookie);
              lines.push({ type: 'value', ...base, url: o.url, value: v });
            }
            break;
          }
          case 'wait':
            await sleep(o.seconds * 1000);
            break;
          case 'close':
            await session.dispose();
            await proc.quit();
            await proc.start();
            session = await proc.newSession(false);
            at = null;
            break;
          case 'dump':
            for (const c of await session.cookies()) lines.push({ type: 'cookie', ...base, ...c });
            break;
          default:
            throw new Error(`unknown op ${o.op}`);
        }
      }
      return { lines, t0, trace, end: Date.now() };
    } catch (e) {
      if (e instanceof Unsupported) return { lines, t0, trace, end: Date.now(), skipped: e.message };
      e.message = `${name}:${current ? current.line : 0}: ${e.message}`;
      throw e;
    } finally {
      await session.dispose();
      if (own) await own.quit().catch(() => own.kill());
    }
  }
}

// One JSON line in bsim's field order (docs/cookie-command.md).
function formatLine(l) {
  if (l.type === 'value') {
    return JSON.stringify({ type: l.type, op: l.op, line: l.line, url: l.url, value: l.value });
  }
  const { type, op, line, name, value, domain, host_only, path: p, secure, http_only, same_site, priority,
    persistent, expires, partition_key } = l;
  return JSON.stringify({ type, op, line, name, value, domain, host_only, path: p, secure, http_only, same_site,
    priority, persistent, expires, partition_key });
}

async function main(argv) {
  let browser = 'chromium';
  let nowFile = null;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--browser') browser = argv[++i];
    else if (argv[i] === '--now-file') nowFile = argv[++i];
    else files.push(argv[i]);
  }
  if (!files.length) {
    process.stderr.write('usage: node harness.js [--browser chromium|firefox] [--now-file F] TRACE...\n');
    return 2;
  }
  const W = browser === 'firefox' ? require('./firefox').FirefoxWorker : Worker;
  const w = new W();
  await w.init();
  try {
    for (const f of files) {
      const r = await w.run(fs.readFileSync(f), f);
      if (nowFile) fs.writeFileSync(nowFile, isoSeconds(r.t0) + '\n');
      for (const l of r.lines) process.stdout.write(formatLine(l) + '\n');
      if (r.skipped) process.stderr.write(`${f}: skipped: ${r.skipped}\n`);
    }
  } finally {
    await w.close();
  }
  return 0;
}

module.exports = { Worker, LoopbackServer, ChromiumProcess, formatLine, cdpCookieFields, Unsupported, certificate, sleep, withTimeout };

if (require.main === module) {
  main(process.argv.slice(2)).then((c) => process.exit(c), (e) => {
    process.stderr.write(`harness: ${e.stack || e}\n`);
    process.exit(3);
  });
}
