#!/usr/bin/env node
// tough.js: the tough-cookie peer of the cookie-jar benchmark (bench/README.md).
//
// Reads an op file written by gen.py, splits it into ops in memory
// (untimed), then runs them against a tough-cookie CookieJar on its
// synchronous MemoryCookieStore, timing the op loop alone. It prints one
// RESULT line in the shape bench-jar prints, for bench/cookie-jar/run.
//
// How each op maps onto tough-cookie:
//   set URL HEADER     setCookieSync(HEADER, URL, {now, ignoreError})
//   script URL STRING  the same with http: false (a document.cookie write)
//   get URL            getCookieStringSync(URL)
//   read URL           getCookieStringSync(URL, {http: false})
//   wait SECONDS       moves the fake clock (below)
//   close              removes every session cookie, as the browser does:
//                      tough-cookie has no call for it, so this walks the
//                      store (getAllCookiesSync + removeCookie) and is timed
//   dump               getAllCookiesSync, the nearest equivalent
// ignoreError makes a refused cookie a silent no-op, as in a browser.
//
// The clock: setCookie takes `now`, but retrieval reads Date.now() and
// stamps lastAccessed with `new Date()`, and a Max-Age cookie expires
// relative to lastAccessed. So the global Date is replaced before
// tough-cookie loads by a subclass whose now() and no-argument constructor
// give the virtual time; any other construction is the real Date's.
//
// Memory: with --expose-gc, heapUsed after a forced collection is taken
// before the op file is read and again after the run, once the ops are
// dropped; the difference over the cookies stored is bytes per cookie,
// and that minus the cookie's name, value, domain and path lengths is what
// it costs beyond its own strings (the measure bench-jar reports).
//
//   node --expose-gc tough.js FILE

'use strict';

const fs = require('fs');

// The CLI's default virtual "now", 2015-01-01T00:00:00Z: gen.py dates its Expires from it.
const START_MS = 1420070400000;

let virtualNow = START_MS;
const RealDate = Date;
class VirtualDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(virtualNow);
    else super(...args);
  }
  static now() {
    return virtualNow;
  }
}
globalThis.Date = VirtualDate;

const { CookieJar, MemoryCookieStore } = require('tough-cookie');

const OP_SET = 0, OP_SCRIPT = 1, OP_GET = 2, OP_READ = 3, OP_WAIT = 4, OP_CLOSE = 5, OP_DUMP = 6;
const OP_KINDS = { set: OP_SET, script: OP_SCRIPT, get: OP_GET, read: OP_READ, wait: OP_WAIT, close: OP_CLOSE, dump: OP_DUMP };

// Lines are read from the file in pieces: a 240 MB workload is more than
// one string should hold, and the pieces are let go once split.
const READ_CHUNK = 16 * 1024 * 1024;

function heapUsed() {
  if (global.gc) {
    global.gc();
    global.gc();
  }
  return process.memoryUsage().heapUsed;
}

function parseOps(path) {
  const kinds = [], urls = [], values = [];
  const fd = fs.openSync(path, 'r');
  const buf = Buffer.alloc(READ_CHUNK);
  let rest = '';
  let lineNo = 0;
  const take = (line) => {
    lineNo++;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '' || line[0] === '#') return;
    const sp = line.indexOf(' ');
    const word = sp < 0 ? line : line.slice(0, sp);
    const kind = OP_KINDS[word];
    if (kind === undefined) throw new Error(`${path}:${lineNo}: not an op line gen.py writes`);
    let url = null, value = null;
    if (kind === OP_WAIT) {
      value = Number(line.slice(sp + 1)) * 1000;
    } else if (kind !== OP_CLOSE && kind !== OP_DUMP) {
      const urlEnd = line.indexOf(' ', sp + 1);
      if (kind === OP_SET || kind === OP_SCRIPT) {
        url = line.slice(sp + 1, urlEnd);
        value = line.slice(urlEnd + 1);
      } else {
        url = urlEnd < 0 ? line.slice(sp + 1) : line.slice(sp + 1, urlEnd);
      }
      // A flat copy, so that no op keeps the whole chunk it was cut from alive.
      url = flatten(url);
      if (value !== null) value = flatten(value);
    }
    kinds.push(kind);
    urls.push(url);
    values.push(value);
  };
  for (;;) {
    const n = fs.readSync(fd, buf, 0, READ_CHUNK, null);
    if (n === 0) break;
    const text = rest + buf.toString('utf8', 0, n);
    let start = 0, nl;
    while ((nl = text.indexOf('\n', start)) >= 0) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  fs.closeSync(fd);
  if (rest !== '') take(rest);
  return { kinds, urls, values };
}

// V8 keeps a slice as a view into its parent string; a round trip through
// a Buffer gives a string of its own.
function flatten(s) {
  return Buffer.from(s, 'latin1').toString('latin1');
}

let liveJar = null;

function removeSessionCookies(jar) {
  for (const c of allCookies(jar)) {
    if (!c.isPersistent()) jar.store.removeCookie(c.domain, c.path, c.key, () => {});
  }
}

function main() {
  const path = process.argv[2];
  if (!path) {
    process.stderr.write('usage: node --expose-gc tough.js FILE\n');
    process.exit(2);
  }
  const heapBefore = heapUsed();
  let ops = parseOps(path);
  const { kinds, urls, values } = ops;
  const count = kinds.length;

  const jar = new CookieJar(new MemoryCookieStore());
  // Held from outside main: optimised code treats a local it no longer reads as dead, and the
  // collector would take the jar before its memory is measured.
  liveJar = jar;
  const setOpts = { now: new VirtualDate(), ignoreError: true };
  const scriptOpts = { now: setOpts.now, ignoreError: true, http: false };
  const getOpts = {};
  const readOpts = { http: false };
  let sentBytes = 0;

  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    switch (kinds[i]) {
      case OP_SET:
        jar.setCookieSync(values[i], urls[i], setOpts);
        break;
      case OP_SCRIPT:
        jar.setCookieSync(values[i], urls[i], scriptOpts);
        break;
      case OP_GET:
        sentBytes += jar.getCookieStringSync(urls[i], getOpts).length;
        break;
      case OP_READ:
        sentBytes += jar.getCookieStringSync(urls[i], readOpts).length;
        break;
      case OP_WAIT:
        virtualNow += values[i];
        // tough-cookie keeps the Date it is given: a new one for the new time.
        setOpts.now = scriptOpts.now = new VirtualDate();
        break;
      case OP_CLOSE:
        removeSessionCookies(jar);
        break;
      case OP_DUMP:
        jar.serializeSync();
        break;
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // Expired cookies are dropped only when a lookup meets them; count what the store holds, as bsim_jar_count does.
  let all = allCookies(jar);
  const cookies = all.length;
  let stringBytes = 0;
  for (const c of all) stringBytes += c.key.length + c.value.length + (c.domain || '').length + (c.path || '').length;
  all = null;
  ops = null;
  kinds.length = urls.length = values.length = 0;
  // As run: a cookie's strings may be slices of the header it came from, which they keep alive.
  const perCookie = cookies ? (heapUsed() - heapBefore) / cookies : 0;
  all = allCookies(jar);
  // With each cookie's strings copied flat, only its own characters are held: the floor, the
  // figure to set beside bench-jar's, whose cookies own copies of their strings.
  for (const c of all) {
    c.key = flatten(c.key);
    c.value = flatten(c.value);
    if (c.domain) c.domain = flatten(c.domain);
    if (c.path) c.path = flatten(c.path);
  }
  all = null;
  const flatHeld = heapUsed() - heapBefore;
  const flatPerCookie = cookies ? flatHeld / cookies : 0;
  const beyond = cookies ? (flatHeld - stringBytes) / cookies : 0;
  const gc = Boolean(global.gc);
  if (allCookies(liveJar).length !== cookies) throw new Error('the jar changed while being measured');
  console.log(`RESULT peer=tough-cookie version=${toughVersion()} ops=${count} ` +
    `seconds=${seconds.toFixed(4)} ops_per_s=${Math.round(count / seconds)} cpu_seconds=${cpuSeconds.toFixed(4)} ` +
    `cookies=${cookies} bytes_per_cookie_as_run=${gc ? Math.round(perCookie) : 'n/a'} ` +
    `bytes_per_cookie=${gc ? Math.round(flatPerCookie) : 'n/a'} beyond_strings=${gc ? Math.round(beyond) : 'n/a'} ` +
    `string_bytes_per_cookie=${cookies ? (stringBytes / cookies).toFixed(1) : 0} sent_bytes=${sentBytes} close=removes-session-cookies`);
}

function toughVersion() {
  try {
    return JSON.parse(fs.readFileSync(require('path').join(__dirname, 'node_modules/tough-cookie/package.json'))).version;
  } catch {
    return 'unknown';
  }
}

// Every cookie the store holds. MemoryCookieStore is synchronous: its callback runs before the call returns.
function allCookies(jar) {
  let out = [];
  jar.store.getAllCookies((err, cookies) => {
    if (err) throw err;
    out = cookies;
  });
  return out;
}

main();
