'use strict';
// record.js: runs one step list against the real widget in Chromium and
// writes its trace.
//
//   node record.js steps/NAME.json [--out traces/NAME.json]
//
// A step list is JSON: {"name", "about", "site" (pages outside this
// domain have no widget), "config": {"widgets": {...},
// "hosts": {HOST: {...}}} (the page's _genesys.widgets, merged over
// page.js's BASE), "restore": true|false (Chromium continues where it left
// off after a restart), "steps": [...]}. Each step is an object whose "do"
// names it:
//   tab {tab, url}          open a tab named TAB (it comes to the front) at url
//   go {tab, url, until?}   navigate the tab (until "load": on at the load
//                           event, not waiting for WebChatService.ready)
//   follow {tab}            click the page's link #go (a plain page's ?link=URL)
//   reload {tab} | closeTab {tab} | front {tab} (bring to front) | click {tab}
//   chat {tab, op}          the customer: op start (the widget's own form,
//                           submitted), open, minimize, maximize, close, end,
//                           send (text)
//   invite {tab, op}        click the invite toast: accept | decline
//   agent {op, text?}       the agent: join, say, typing, leave, end
//   server {op, status?, ms?}  the chat server: down (connection reset),
//                           status (every call answers that HTTP status),
//                           forget (drops every chat), slow (ms), up
//   plant {cookies: {NAME: VALUE}, domain, chat?}  cookies set over CDP before
//                           a page reads them; NAME without the
//                           _genesys.widgets. prefix; VALUE may hold {chatId},
//                           {keys} (of a chat the server creates now, with
//                           chat: true) and {now-MS} (epoch ms MS ago)
//   wait {ms}               real time
//   until {tab, op, event?, ms?}  until the tab's next API request of op
//                           (refresh, send, ...) is sent (event "sent") or
//                           has ended (answered or failed); at most ms
//                           (10 s)
//   restart {}              quit Chromium and start it on the same profile
//   snap {label}            the jar (CDP Network.getAllCookies) and each
//                           open tab's page state
// Every page load waits for WebChatService.ready (at most 5 s); a start waits
// for WebChatService.started (at most 8 s).
//
// The trace: {name, about, chromium, widget, config, restore, steps[{t, ...}],
// log[{t, tab, page, k, ...}], api[...], loads[...], snaps[...], timing}, t in
// ms since the recording began. log merges each page's records (page.js),
// the API requests each tab sent (k "request"), and tab lifecycle.

const fs = require('fs');
const path = require('path');
const { ChatServer, API } = require('./chat-server');
const { launch, newProfile, setStartup } = require('./chromium');

const PREFIX = '_genesys.widgets.';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Recorder {
  constructor(list) {
    this.list = list;
    this.t0 = Date.now();
    this.tabs = new Map();      // name -> {page, serial}
    this.order = [];            // open tab names, in opening order
    this.serial = 0;
    this.log = [];
    this.snaps = [];
  }

  now() { return Date.now() - this.t0; }

  async start() {
    this.server = new ChatServer(() => this.now());
    this.server.config = Object.assign({}, this.list.config || {}, { t0: this.t0, site: this.list.site });
    this.port = await this.server.listen();
    this.profile = newProfile();
    setStartup(this.profile, !!this.list.restore);
    this.chrome = await launch(this.profile, this.port);
    this.spare = this.chrome.context.pages();   // the blank start tab
  }

  watch(name, page) {
    const tab = { page, serial: ++this.serial, name };
    // Each API request's entry, until the browser says how it ended.
    const open = new Map();
    page.on('request', (req) => {
      const u = req.url();
      if (!u.includes(API) || req.method() === 'OPTIONS') return;
      const parts = new URL(u).pathname.slice(API.length).split('/').filter(Boolean);
      const e = { t: this.now(), tab: name, page: tab.serial, k: 'request', op: parts[1] ? (parts[2] || '') : 'requestChat' };
      open.set(req, e);
      this.log.push(e);
    });
    page.on('requestfinished', (req) => this.ended(open, req, null));
    page.on('requestfailed', (req) => this.ended(open, req, (req.failure() || {}).errorText || 'failed'));
    page.on('framenavigated', (f) => {
      if (f !== page.mainFrame()) return;
      tab.serial = ++this.serial;
      this.log.push({ t: this.now(), tab: name, page: tab.serial, k: 'load', url: f.url() });
    });
    this.tabs.set(name, tab);
    if (!this.order.includes(name)) this.order.push(name);
    return tab;
  }

  // A request's instants from the browser's own clock (CDP wallTime, via
  // Playwright's request.timing(); the recorder's t is when the event
  // reached it, a few ms later on a loaded machine): sent, and end (the
  // response's last byte, or when it failed: net::ERR_ABORTED for a page
  // that left, net::ERR_CONNECTION_RESET for a server that went down).
  // A request with no end was still pending when its browser quit.
  async ended(open, req, failed) {
    const e = open.get(req);
    if (!e) return;
    open.delete(req);
    const now = this.now();
    const tm = req.timing();
    if (tm && tm.startTime > 0) e.sent = Math.round(tm.startTime - this.t0);
    if (failed) { e.end = now; e.failed = failed; return; }
    e.end = tm && tm.startTime > 0 && tm.responseEnd >= 0 ? Math.round(tm.startTime + tm.responseEnd - this.t0) : now;
    const res = await req.response().catch(() => null);
    if (res) e.status = res.status();
  }

  tab(name) {
    const t = this.tabs.get(name);
    if (!t || t.page.isClosed()) throw new Error(`no open tab ${name}`);
    return t;
  }

  // Move a page's records into the log (before it navigates or closes).
  async harvest(name) {
    const t = this.tabs.get(name);
    if (!t || t.page.isClosed()) return;
    let recs = null;
    try { recs = await t.page.evaluate(() => (window.__oracle ? window.__oracle.log.splice(0) : null)); } catch (_) { return; }
    for (const r of recs || []) this.log.push(Object.assign({ t: r.t, tab: name, page: t.serial }, r));
  }

  async harvestAll() { for (const n of this.order) await this.harvest(n); }

  async waitEvent(name, events, ms) {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      let hit = null;
      try {
        hit = await this.tab(name).page.evaluate((evs) => {
          const R = window.__oracle;
          if (!R) return null;
          const e = R.log.find((x) => x.k === 'event' && evs.includes(x.ev));
          return e ? e.ev : null;
        }, events);
      } catch (_) { /* between pages */ }
      if (hit) return hit;
      await sleep(50);
    }
    return null;
  }

  async loaded(name) {
    const page = this.tab(name).page;
    await page.waitForLoadState('load', { timeout: 20000 }).catch(() => {});
    const widget = await page.evaluate(() => !!window.CXBus).catch(() => false);
    return widget ? { ready: await this.waitEvent(name, ['WebChatService.ready'], 5000) } : { widget: false };
  }

  async jar() {
    let cookies;
    const open = this.order.map((n) => this.tabs.get(n)).find((t) => t && !t.page.isClosed());
    if (open) {
      const s = await this.chrome.context.newCDPSession(open.page);
      cookies = (await s.send('Network.getAllCookies')).cookies;
      await s.detach().catch(() => {});
    } else {
      const s = await this.chrome.browser.newBrowserCDPSession();
      cookies = (await s.send('Storage.getCookies')).cookies;
    }
    return cookies.map((c) => {
      const o = { name: c.name, value: c.value, domain: c.domain, path: c.path, sameSite: c.sameSite || '', session: c.session };
      if (!c.session) o.expiresInDays = Math.round((c.expires * 1000 - Date.now()) / 86400000);
      if (c.secure) o.secure = true;
      return o;
    }).sort((a, b) => (a.name + ' ' + a.domain).localeCompare(b.name + ' ' + b.domain));
  }

  async snap(label, index) {
    await this.harvestAll();
    const tabs = {};
    for (const n of this.order) {
      const t = this.tabs.get(n);
      if (!t || t.page.isClosed()) continue;
      let st;
      try { st = await t.page.evaluate(() => (window.__oracle && window.__oracle.state ? window.__oracle.state() : { url: location.href, widget: false })); } catch (e) { st = { error: String(e.message || e) }; }
      tabs[n] = Object.assign({ page: t.serial }, st);
    }
    this.snaps.push({ t: this.now(), step: index, label, jar: await this.jar(), tabs });
    return { ok: true };
  }

  fill(v, chat) {
    const keys = chat ? `{%22secureKey%22:%22${chat.secureKey}%22%2C%22alias%22:%22${chat.alias}%22%2C%22userId%22:%22${chat.userId}%22}` : '';
    return String(v).replace(/\{chatId\}/g, chat ? chat.chatId : '').replace(/\{keys\}/g, keys)
      .replace(/\{now-(\d+)\}/g, (_, ms) => String(Date.now() - Number(ms)));
  }

  async step(s, index) {
    const name = s.tab;
    switch (s.do) {
      case 'tab': {
        const page = this.spare.length ? this.spare.shift() : await this.chrome.context.newPage();
        this.watch(name, page);
        await page.bringToFront();
        await page.goto(s.url, { waitUntil: 'load', timeout: 20000 });
        return this.loaded(name);
      }
      case 'go':
        await this.harvest(name);
        await this.tab(name).page.goto(s.url, { waitUntil: 'load', timeout: 20000 });
        return s.until === 'load' ? { ok: true } : this.loaded(name);
      case 'follow': {
        await this.harvest(name);
        const page = this.tab(name).page;
        await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: 20000 }), page.click('#go')]);
        return this.loaded(name);
      }
      case 'reload':
        await this.harvest(name);
        await this.tab(name).page.reload({ waitUntil: 'load' });
        return this.loaded(name);
      case 'closeTab':
        await this.harvest(name);
        await this.tab(name).page.close({ runBeforeUnload: false });
        this.order = this.order.filter((n) => n !== name);
        return { ok: true };
      case 'front':
        await this.tab(name).page.bringToFront();
        return { ok: true };
      case 'click':
        await this.tab(name).page.mouse.click(600, 40);
        return { ok: true };
      case 'chat': {
        const run = (cmd, data) => this.tab(name).page.evaluate(([c, d]) => window.__oracle.cmd(c, d), [cmd, data || {}]);
        switch (s.op) {
          case 'start': {
            const r = await run('WebChat.open', { form: { autoSubmit: true, firstname: 'Ann', lastname: 'Lee', email: 'ann@example.com' } });
            return Object.assign(r, { event: await this.waitEvent(name, ['WebChatService.started', 'WebChat.cancelled'], 8000) });
          }
          case 'open': return run('WebChat.open', {});
          case 'minimize': return run('WebChat.minimize', { minimized: true });
          case 'maximize': return run('WebChat.minimize', { minimized: false });
          case 'close': return run('WebChat.close', {});
          case 'end': return run('WebChatService.endChat', {});
          case 'send': return run('WebChatService.sendMessage', { message: s.text || 'hello' });
          default: throw new Error('unknown chat op ' + s.op);
        }
      }
      case 'invite': {
        const text = s.op === 'accept' ? /start chat/i : /no thanks/i;
        await this.tab(name).page.locator('.cx-toaster button', { hasText: text }).first().click({ timeout: 5000 });
        return { ok: true };
      }
      case 'agent':
        return this.server.act(s.op, s.text);
      case 'server':
        return this.server.act(s.op, s.status || s.ms);
      case 'plant': {
        const chat = s.chat ? this.server.plant('Ann Lee') : null;
        const s2 = await this.chrome.browser.newBrowserCDPSession();
        const cookies = Object.entries(s.cookies).map(([n, v]) => ({ name: PREFIX + n, value: this.fill(v, chat), domain: s.domain, path: '/', sameSite: 'Strict' }));
        await s2.send('Storage.setCookies', { cookies });
        await s2.detach().catch(() => {});
        return { chat: chat ? chat.chatId : null };
      }
      case 'wait':
        await sleep(s.ms);
        return { ok: true };
      case 'until': {
        // The tab's next request of this op (one begun after this step):
        // until it is sent, or until it ended (answered or failed).
        const from = this.log.length;
        const until = Date.now() + (s.ms || 10000);
        while (Date.now() < until) {
          const e = this.log.slice(from).find((x) => x.k === 'request' && x.tab === name && x.op === s.op);
          if (e && (s.event === 'sent' || e.end !== undefined)) return { ok: true };
          await sleep(10);
        }
        return { ok: false, error: `no ${s.op} ${s.event === 'sent' ? 'sent' : 'answered'} in ${s.ms || 10000} ms` };
      }
      case 'restart': {
        await this.harvestAll();
        const open = this.order.filter((n) => !this.tabs.get(n).page.isClosed());
        const urls = open.map((n) => this.tabs.get(n).page.url());
        await this.chrome.quit();
        await sleep(300);
        setStartup(this.profile, !!this.list.restore);
        this.chrome = await launch(this.profile, this.port);
        // Restored tabs appear one by one after the start.
        const isReal = (p) => !p.url().startsWith('about:') && !p.url().startsWith('chrome:');
        for (let i = 0; this.list.restore && i < 100 && this.chrome.context.pages().filter(isReal).length < open.length; i++) await sleep(100);
        const pages = this.chrome.context.pages();
        this.tabs.clear();
        this.order = [];
        this.spare = [];
        if (this.list.restore) {
          // The reopened pages keep their names, matched by URL.
          const real = pages.filter(isReal);
          const left = real.slice();
          open.forEach((n, i) => {
            const j = left.findIndex((p) => p.url() === urls[i]);
            if (j >= 0) this.watch(n, left.splice(j, 1)[0]);
          });
          for (const n of this.order) await this.loaded(n);
          this.spare = pages.filter((p) => !real.includes(p));
        } else {
          this.spare = pages;
        }
        return { reopened: this.order.slice() };
      }
      case 'snap':
        return this.snap(s.label, index);
      default:
        throw new Error('unknown step ' + s.do);
    }
  }

  // Timing as data, for the virtual clock: per tab the instants of its
  // polls, and per page load how long the restore took.
  timing() {
    const polls = {};
    for (const e of this.log) {
      if (e.k === 'request' && e.op === 'refresh') (polls[e.tab] = polls[e.tab] || []).push(e.t);
    }
    const restores = [];
    for (const l of this.log.filter((e) => e.k === 'init')) {
      const ev = this.log.find((e) => e.k === 'event' && e.page === l.page && /^WebChatService\.(restored|restoreTimeout|restoreFailed)$/.test(e.ev));
      if (ev) restores.push({ tab: l.tab, page: l.page, outcome: ev.ev.split('.')[1], ms: ev.t - l.t });
    }
    const starts = [];
    for (const e of this.log) {
      if (e.k === 'request' && e.op === 'requestChat') {
        const first = this.log.find((x) => x.k === 'request' && x.op === 'refresh' && x.page === e.page && x.t > e.t);
        if (first) starts.push({ tab: e.tab, firstPollMs: first.t - e.t });
      }
    }
    return { polls, restores, starts };
  }

  async run() {
    const list = this.list;
    const trace = { name: list.name, about: list.about, chromium: null,
      widget: 'widgets.min.js 9.0.018.07 (github.com/panchts/LiveWebChatUI @eed7553)', config: list.config || {},
      site: list.site || null, restore: !!list.restore, steps: [] };
    try {
      await this.start();
      trace.chromium = this.chrome.version;
      for (let i = 0; i < list.steps.length; i++) {
        const s = list.steps[i];
        const t = this.now();
        let result;
        try { result = await this.step(s, i); } catch (e) { result = { error: String(e.message || e).split('\n')[0] }; }
        const rec = Object.assign({ t }, s);
        if (result && (result.error || result.ok === false || result.ready === null || result.event === null)) rec.result = result;
        trace.steps.push(rec);
        if (process.env.WIDGET_ORACLE_VERBOSE) process.stderr.write(`${t} ${JSON.stringify(s)} ${JSON.stringify(result)}\n`);
      }
      await this.harvestAll();
    } finally {
      if (this.chrome) await this.chrome.quit().catch(() => {});
      if (this.server) await this.server.close().catch(() => {});
      if (this.profile) fs.rmSync(this.profile, { recursive: true, force: true });
    }
    trace.log = this.log.sort((a, b) => a.t - b.t);
    trace.api = this.server.log;
    trace.loads = this.server.pages;
    trace.snaps = this.snaps;
    trace.timing = this.timing();
    trace.ms = this.now();
    return trace;
  }
}

// Compact JSON: one array item per line, so a trace diffs line by line.
function compact(trace) {
  const out = [];
  for (const [k, v] of Object.entries(trace)) {
    if (Array.isArray(v)) out.push(`${JSON.stringify(k)}: [\n${v.map((x) => '  ' + JSON.stringify(x)).join(',\n')}\n]`);
    else out.push(`${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  }
  return '{\n' + out.join(',\n') + '\n}\n';
}

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--out');
  const out = args.includes('--out') ? args[args.indexOf('--out') + 1] : null;
  if (!file) { console.error('usage: node record.js steps/NAME.json [--out traces/NAME.json]'); process.exit(2); }
  const list = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!fs.existsSync(path.join(__dirname, 'vendor', 'widgets.min.js'))) {
    console.error('record.js: vendor/widgets.min.js is missing; README.md says how to fetch the widget');
    process.exit(2);
  }
  const trace = await new Recorder(list).run();
  const text = compact(trace);
  if (out) fs.writeFileSync(out, text); else process.stdout.write(text);
}

if (require.main === module) main().catch((e) => { console.error(e); process.exit(1); });
