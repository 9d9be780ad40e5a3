'use strict';
// convert.js: turns each recorded trace (traces/NAME.json) into a bsim
// scenario that asserts, at each snapshot, what the real widget did: the
// widget's cookies in the jar (present or absent; the value where it does
// not depend on the server's ids or the clock; Domain, SameSite, session),
// and per tab the chat state, the load's restore, minimized, the badge, the
// transcript count, the toast, inFocus and Widgets.ready (owner= per origin
// where no single page holds it), a fresh ping's age (younger-than=), what
// each page load carried (request= carried=), and what the widget in each
// tab sent and published so far (sent=, event=: exact where the steps
// decide the count, present or absent where timers do). The steps between
// snapshots are the step list's, with the real time between them as
// <wait> steps, so the virtual clock follows the recording.
//
// What the scenario language cannot say is left out, and listed in a
// comment at the top of the scenario ("Not asserted"), one line per kind,
// with what the widget's timers on real time decide.
//
//   node convert.js                  write scenarios/NAME.xml for every trace,
//                                    and timing.json (the timings of all)
//   node convert.js --check          exit 1 when a checked-in scenario (here
//                                    and under ../../scenarios/recorded/)
//                                    differs from what its trace gives today
//   node convert.js --stdout TRACE   print one scenario
//
// One expectation per <expect>, so that tests/widget-oracle/agreement can
// count them one by one.

const fs = require('fs');
const path = require('path');
// The trace's request ops as the language names them (sent=), and which refresh was a restore.
const T = require('./timing');
const { KIND, isRestore, stepAt } = T;

const HERE = __dirname;
const TRACES = path.join(HERE, 'traces');
const OUT = path.join(HERE, 'scenarios');
const RECORDED = path.join(HERE, '..', '..', 'scenarios', 'recorded');

// Cookie values that depend neither on the server's ids nor on the clock.
const STABLE = ['app.autoLoadList', 'webchat.state.open', 'webchat.state.minimized', 'webchat.state.lastMessageCountRead',
  'webchat.state.asyncUnreadMessageCount', 'webchat.state.index', 'webchat.autoInvite.disabled',
  'webchat.state.unreadMessages', 'webchat.state.filters'];
const PREFIX = '_genesys.widgets.';
// A polling page rewrites ping at least every pollRateMax (3 s): an age
// under 3 s at a snapshot is asserted as younger than 5 s, the bound the
// language's example uses; older ones depend on when the page stopped.
const PING_FRESH_MS = 3000;
const PING_BOUND = '5s';
// chat-server.js: the agent's nickname, and the ids of the first chat it
// creates (a planted chat is the first of its run).
const AGENT = 'Kate';
// bsim's default page load time (BSIM_PAGE_LOAD_DEFAULT_MS): a navigation step
// ends at the load, so the next step's wait is counted from there.
const DEFAULT_LOAD_MS = 200;
// The fake server on loopback: a poll's round trip as the browser saw it,
// the median of the recordings that time requests (TIMING.md).
const LOOPBACK_RTT_MS = 8;
const PLANTED = { chatId: 'C000000000000001', secureKey: 'k000000000000001' };

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
function el(name, attrs) {
  return `<${name}${Object.entries(attrs).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => ` ${k}="${esc(v)}"`).join('')}/>`;
}
function shortName(cookie) {
  const i = cookie.indexOf(PREFIX);
  return i < 0 ? cookie : cookie.slice(i + PREFIX.length);
}

// <deploy> attributes from the step list's site and widget configuration.
function deploy(trace, gaps) {
  const w = (trace.config && trace.config.widgets) || {};
  const main = w.main || {};
  const chat = w.webchat || {};
  const co = main.cookieOptions || {};
  const a = { site: trace.site || undefined };
  if (chat.restoreTimeout !== undefined) a['restore-timeout'] = chat.restoreTimeout + 'ms';
  if (chat.sleepEnabled !== undefined) a.sleep = String(chat.sleepEnabled);
  if (chat.metaDataEnabled !== undefined) a.metadata = String(chat.metaDataEnabled);
  if (chat.autoInvite && chat.autoInvite.enabled) a['auto-invite'] = chat.autoInvite.timeToInviteSeconds + 's';
  if (main.deploymentID !== undefined) a['deployment-id'] = main.deploymentID;
  if (co.domain !== undefined) a['cookie-domain'] = co.domain;
  if (co.path !== undefined) a['cookie-path'] = co.path;
  if (co.sameSite !== undefined) a['cookie-samesite'] = co.sameSite;
  if (co.secure !== undefined) a['cookie-secure'] = String(co.secure);
  if (co.expires !== undefined) a['cookie-expires'] = String(co.expires);
  for (const k of Object.keys(trace.config.hosts || {})) gaps.add(`per-host widget configuration (${k})`);
  return el('deploy', a);
}

// What a page went through, from its own bus events up to instant t.
function pageStory(trace, page, t) {
  let chat = 'none';
  let restore = 'none';
  // Only the first restore outcome, before anything started, is the load's;
  // a later one (WebChat.close reopens a running chat) is not.
  let atLoad = true;
  const outcome = (state, r) => { if (atLoad) { chat = state; restore = r; } else chat = state === 'restored' ? 'active' : state; atLoad = false; };
  for (const e of trace.log) {
    if (e.page !== page || e.k !== 'event' || e.t > t) continue;
    if (e.ev === 'WebChatService.started' || e.ev === 'WebChatService.ended') atLoad = false;
    switch (e.ev) {
      case 'WebChatService.restored': outcome('restored', 'restored'); break;
      case 'WebChatService.restoreTimeout': outcome('restoreTimeout', 'timeout'); break;
      case 'WebChatService.restoreFailed': outcome('restoreFailed', 'failed'); break;
      case 'WebChat.opened': if (['none', 'restoreTimeout', 'restoreFailed'].includes(chat)) chat = 'open'; break;
      case 'WebChatService.started': chat = 'active'; break;
      case 'WebChatService.ended': chat = 'ended'; break;
      case 'WebChat.closed': if (chat !== 'restoreTimeout' && chat !== 'restoreFailed') chat = 'none'; break;
      // cancelled: the chat ended before an agent came; the window still shows it.
      case 'WebChat.cancelled': if (chat === 'open') chat = 'none'; break;
      default: break;
    }
  }
  return { chat, restore };
}

function expectations(trace, snap, out, gaps, seenPages, names, refusedSeen) {
  out.push(`  <!-- snapshot "${esc(snap.label)}" at ${snap.t} ms -->`);
  const jar = new Map();
  for (const c of snap.jar) { if (!jar.has(c.name)) jar.set(c.name, []); jar.get(c.name).push(c); }
  for (const name of names) {
    const cs = jar.get(name);
    if (!cs) { out.push('  ' + el('expect', { cookie: name, present: 'false' })); continue; }
    for (const c of cs) {
      const stable = STABLE.includes(shortName(name));
      out.push('  ' + el('expect', { cookie: name, value: stable ? c.value : undefined, domain: c.domain, path: c.path,
        'same-site': c.sameSite ? c.sameSite.toLowerCase() : 'unspecified', session: String(c.session) }));
      if (!stable) gaps.add('values from the server\'s ids or the clock (session, keys, ping, metaData, chatStartLock): present only');
    }
  }
  // The ping's age where a page polled within PING_FRESH_MS of the snapshot:
  // younger-than, with the margin up to the bound for the timers' spread.
  // The recording's epoch comes from the first ping the trace saw written
  // (its value is the clock; the log has the instant, within a few ms).
  const ping = snap.jar.find((c) => shortName(c.name) === 'webchat.state.ping' && /^\d+$/.test(c.value));
  const first = trace.log.find((e) => e.k === 'cookie' && /^[^=]*webchat\.state\.ping=\d+;/.test(e.set));
  if (ping && first) {
    const epoch = Number(first.set.match(/ping=(\d+)/)[1]) - first.t;
    if (snap.t + epoch - Number(ping.value) < PING_FRESH_MS) out.push('  ' + el('expect', { cookie: ping.name, 'younger-than': PING_BOUND }));
  }
  // A write the jar refused (nothing readable after a non-empty value):
  // the trace says so, once per name.
  for (const e of trace.log) {
    if (e.k !== 'cookie' || e.stuck !== false || e.back !== null || e.t > snap.t) continue;
    const name = e.set.slice(0, e.set.indexOf('='));
    if (/^[^;]*=;/.test(e.set) || refusedSeen.has(name)) continue;
    refusedSeen.add(name);
    out.push('  ' + el('expect', { refused: name }));
  }
  const owners = [];
  for (const [tab, st] of Object.entries(snap.tabs)) {
    if (st.error) { gaps.add(`tab ${tab} could not be read at a snapshot`); continue; }
    if (!('window' in st)) continue;       // a page without the widget
    if (!seenPages.has(st.page)) {
      seenPages.add(st.page);
      out.push('  ' + el('expect', { tab, restore: pageStory(trace, st.page, snap.t).restore }));
    }
    const story = pageStory(trace, st.page, snap.t);
    out.push('  ' + el('expect', { tab, chat: story.chat }));
    if (st.window) out.push('  ' + el('expect', { tab, minimized: String(st.minimized) }));
    out.push('  ' + el('expect', { tab, unread: String(Number(st.badge) || 0) }));
    if (st.window) out.push('  ' + el('expect', { tab, transcript: String(st.transcript.length) }));
    out.push('  ' + el('expect', { tab, invite: st.toasts.length ? 'shown' : 'none' }));
    const inFocus = st.local['_genesys.widgets.inFocus'];
    out.push('  ' + el('expect', { tab, local: '_genesys.widgets.inFocus', present: inFocus ? undefined : 'false' }));
    out.push('  ' + el('expect', { tab, session: 'Widgets.ready', value: st.session['Widgets.ready'], present: st.session['Widgets.ready'] === undefined ? 'false' : undefined }));
    if (st.guid && inFocus === st.guid) owners.push(tab);
  }
  carried(trace, snap, out, names);
  widgetLog(trace, snap, out);
  if (owners.length === 1) out.push('  ' + el('expect', { owner: owners[0] }));
  else ownerPerOrigin(snap, out);
}

// How many of each the steps decide (a start, a line, an end, a wake):
// exact counts. Polls follow the widget's timers on real time, so only
// whether any was sent (count="0" when none) is asserted; a restore only
// where one was sent.
const SENT_EXACT = ['start', 'send', 'disconnect', 'customNotice'];
// The widget's events the language checks; the restore outcomes and the end
// are one per cause, errors and sleep follow the timers: present or not.
const EVENTS = ['restored', 'restoreFailed', 'restoreTimeout', 'ended', 'error', 'sleeping', 'waking'];
const EVENTS_EXACT = ['restored', 'restoreFailed', 'restoreTimeout', 'ended'];

// What each page load since the previous snapshot carried (the latest
// load of each URL): a widget cookie in its Cookie header, carried="true";
// one the page had written by then, the jar holds for that host at the
// snapshot, and the header left out, carried="false" (a cross-site
// arrival's Strict cookie).
function carried(trace, snap, out, names) {
  const prev = trace.snaps.filter((x) => x.t < snap.t).pop() || { t: -1 };
  // The pages' hosts (a step's URL, or the link a plain page carries), not Chromium's own.
  const hosts = new Set(trace.steps.filter((x) => x.url).flatMap((x) => [x.url, new URL(x.url).searchParams.get('link')])
    .filter(Boolean).map((u) => new URL(u).host));
  const latest = new Map();
  // A "go" is CDP's Page.navigate, a browser-initiated load (Strict cookies
  // go along, as for a typed URL), where bsim's <navigate> is initiated by
  // the page it leaves; and a session restore's reload after a restart,
  // which bsim's trace does not record as a request: those loads are left
  // out (DIFFERENCES.md).
  const cause = (l) => trace.steps.filter((x) => x.t <= l.t && x.do !== 'wait' && x.do !== 'snap').pop();
  for (const l of trace.loads || []) {
    if (l.t > prev.t && l.t <= snap.t && hosts.has(l.host) && !['go', 'restart'].includes((cause(l) || {}).do)) latest.set(`http://${l.host}${l.path}`, l);
  }
  // Held at instant t: its latest write by then set a value and stuck.
  const written = (n, t) => {
    const w = trace.log.filter((e) => e.k === 'cookie' && e.t <= t && e.set.startsWith(n + '=')).pop();
    return w && !/^[^;]*=;/.test(w.set) && !(w.stuck === false && w.back === null);
  };
  const holds = (n, host, t) => written(n, t) && snap.jar.some((c) => c.name === n &&
    (host === c.domain.replace(/^\./, '') || host.endsWith(c.domain.startsWith('.') ? c.domain : '.' + c.domain)));
  for (const [url, l] of latest) {
    const sent = new Set(l.cookie.split(/;\s*/).map((x) => x.slice(0, x.indexOf('='))));
    for (const n of names) {
      if (sent.has(n)) out.push('  ' + el('expect', { cookie: n, request: url, carried: 'true' }));
      else if (holds(n, l.host, l.t)) out.push('  ' + el('expect', { cookie: n, request: url, carried: 'false' }));
    }
  }
}

// Where no single page holds its origin's inFocus (nobody, or one per
// origin): per origin of a widget page, whose page the key names, from that
// origin's localStorage as its pages read it; "gone" for a page no tab
// shows now.
function ownerPerOrigin(snap, out) {
  const origins = new Map();
  for (const [tab, st] of Object.entries(snap.tabs)) {
    if (st.error || !('window' in st)) continue;
    const origin = new URL(st.url).origin;
    if (!origins.has(origin)) origins.set(origin, st.local['_genesys.widgets.inFocus'] || '');
  }
  for (const [origin, key] of origins) {
    const holder = Object.entries(snap.tabs).find(([, st]) => !st.error && st.guid && st.guid === key && new URL(st.url).origin === origin);
    out.push('  ' + el('expect', { owner: !key ? 'none' : holder ? holder[0] : 'gone', origin }));
  }
}

// Per tab at a snapshot: what the widget in it sent and published so far
// (over every page the tab loaded). A kind is asserted in a run that sent or
// published it, or whose steps could have caused it (a local end or close
// that sent no disconnect, a line, sleepEnabled), so that "never sent" is
// asserted where it says something.
function widgetLog(trace, snap, out) {
  const ops = new Set(trace.steps.filter((x) => x.do === 'chat').map((x) => x.op));
  const chat = ((trace.config && trace.config.widgets) || {}).webchat || {};
  const wantSent = new Set(['start', 'poll']);
  for (const e of trace.log) if (e.k === 'request' && KIND[e.op]) wantSent.add(KIND[e.op]);
  if (ops.has('end') || ops.has('close')) wantSent.add('disconnect');
  if (ops.has('send')) wantSent.add('send');
  if (chat.sleepEnabled) wantSent.add('customNotice');
  // A browser restart starts every tab anew (bsim's <restart/> too): count from the latest one.
  // (With session restore the tabs come back, and bsim counts on over their pages.)
  const since = trace.restore ? -1 : Math.max(-1, ...trace.steps.filter((x) => x.do === 'restart' && x.t <= snap.t).map((x) => x.t));
  const log = trace.log.filter((e) => e.t > since && e.t <= snap.t);
  const kindOf = (e) => (e.op === 'refresh' && isRestore(trace, e) ? 'restore' : KIND[e.op]);
  if (log.some((e) => e.k === 'request' && kindOf(e) === 'restore')) wantSent.add('restore');
  const wantEv = new Set(trace.log.filter((e) => e.k === 'event').map((e) => e.ev.replace(/^WebChatService\./, '')).filter((e) => EVENTS.includes(e)));
  for (const [tab, st] of Object.entries(snap.tabs)) {
    if (st.error) continue;
    for (const kind of ['start', 'poll', 'restore', 'send', 'disconnect', 'customNotice'].filter((k) => wantSent.has(k))) {
      const n = log.filter((e) => e.k === 'request' && e.tab === tab && kindOf(e) === kind).length;
      // The recorder can miss a load's first request (d-reload-restore), so
      // a restore is asserted only where one was seen, never its absence.
      if (kind === 'restore' && n === 0) continue;
      out.push('  ' + el('expect', { tab, sent: kind, count: SENT_EXACT.includes(kind) || n === 0 ? String(n) : undefined }));
    }
    for (const ev of EVENTS.filter((x) => wantEv.has(x))) {
      const n = log.filter((e) => e.k === 'event' && e.tab === tab && e.ev === 'WebChatService.' + ev).length;
      out.push('  ' + el('expect', { tab, event: 'WebChatService.' + ev, count: EVENTS_EXACT.includes(ev) || n === 0 ? String(n) : undefined }));
    }
  }
}

// The load time of the page a navigating step s loaded, where the trace has
// its navigation timing (newer recordings); null otherwise.
const NAVIGATES = ['tab', 'go', 'reload', 'follow'];
function measuredLoad(trace, s) {
  // A session restore's restart: from the restart to the restored page's load (the browser's cold start too).
  if (s.do === 'restart' && trace.restore) {
    const next = trace.steps[trace.steps.indexOf(s) + 1];
    const nav = trace.log.find((e) => e.k === 'nav' && e.start >= s.t && (!next || e.start < next.t) && e.load !== undefined);
    return nav ? Math.max(0, Math.round(nav.load - s.t)) : null;
  }
  if (!NAVIGATES.includes(s.do)) return null;
  const next = trace.steps[trace.steps.indexOf(s) + 1];
  const nav = trace.log.find((e) => e.k === 'nav' && e.tab === s.tab && e.start >= s.t &&
    (!next || e.start < next.t) && e.load !== undefined);
  return nav ? Math.max(0, Math.round(nav.load - nav.start)) : null;
}

// The server's answer time: the median round trip of the trace's answered
// polls sent before any server fault (a slow server's are its delay), else
// the loopback figure.
function latency(trace) {
  const fault = trace.steps.find((s) => s.do === 'server');
  const rtts = T.requests(trace).filter((r) => r.kind === 'poll' && r.end !== undefined && r.outcome === 200 &&
    (!fault || r.sent < fault.t))
    .map((r) => r.end - r.sent).sort((a, b) => a - b);
  return rtts.length ? Math.round(rtts[Math.floor(rtts.length / 2)]) : LOOPBACK_RTT_MS;
}

function convert(trace, name = trace.name) {
  const gaps = new Set();
  const out = [];
  const steps = trace.steps;
  // Every widget cookie the run ever wrote or held: checked at each snapshot.
  const names = new Set();
  for (const s of trace.snaps) for (const c of s.jar) names.add(c.name);
  for (const e of trace.log) if (e.k === 'cookie') names.add(e.set.slice(0, e.set.indexOf('=')));
  const sorted = [...names].sort();
  const held = new Set();
  for (const s of trace.snaps) for (const c of s.jar) held.add(c.name);
  const passing = sorted.filter((n) => !held.has(n) && trace.log.some((e) => e.k === 'cookie' && e.set.startsWith(n + '=') && !/^[^;]*=;/.test(e.set)));
  if (passing.length) gaps.add(`cookies written and deleted between snapshots, within one step (${passing.map(shortName).join(', ')}): only their absence is asserted`);
  const seenPages = new Set();
  const refusedSeen = new Set();
  let deployed = false;
  let planted = null;
  let prev = null;
  let prevLoad = 0;
  for (const s of steps) {
    if (s.result && s.result.error) gaps.add(`step ${s.do} failed in the recording: ${s.result.error}`);
    // wait and until only let real time pass: the next step's <wait> says how much.
    const passes = s.do === 'wait' || s.do === 'until';
    const at = stepAt(trace, s);
    // A navigation step ends at its page's load: the wait after it counts from there.
    if (prev !== null && !passes && at - prev - prevLoad > 0) out.push(`  ${el('wait', { for: (at - prev - prevLoad) + 'ms' })}`);
    const load = measuredLoad(trace, s);
    if (!passes) {
      prev = at;
      // A session restore's <restart/> ends at the restored pages' load too.
      prevLoad = NAVIGATES.includes(s.do) || (s.do === 'restart' && trace.restore) ?
        (load !== null ? load : DEFAULT_LOAD_MS) : 0;
      if (s.do === 'tab' && planted) prevLoad = 2 * DEFAULT_LOAD_MS; // the tab, then its reload
    }
    const loadTime = load !== null ? load + 'ms' : undefined;
    if (!deployed && s.do !== 'plant') {
      out.push('  ' + deploy(trace, gaps));
      out.push('  ' + el('backend', { latency: latency(trace) + 'ms' }));
      deployed = true;
    }
    const tab = s.tab;
    switch (s.do) {
      case 'plant':
        planted = s;
        // A chat the server holds that no page started (chat-server.js's
        // plant(): its ids are the server's first).
        if (s.chat) out.push('  ' + el('backend', { chat: PLANTED.chatId, 'secure-key': PLANTED.secureKey }));
        break;
      case 'tab':
        if (planted) {
          // The page plants the cookies (as a site script would), then the
          // widget arrives: a reload with the deployment in place.
          out.push('  ' + el('tab', { name: tab, url: s.url }));
          for (const [n, v] of Object.entries(planted.cookies)) {
            let value = v;
            if (/\{chatId\}|\{keys\}/.test(v)) {
              value = v.replace('{chatId}', PLANTED.chatId).replace('{keys}', `{%22secureKey%22:%22${PLANTED.secureKey}%22%2C%22alias%22:%22801%22%2C%22userId%22:%22U000000000000001%22}`);
            }
            value = value.replace(/\{now-(\d+)\}/, (_, ms) => String(Date.UTC(2015, 0, 1) - Number(ms)));
            out.push('  ' + el('cookie', { tab, write: `${PREFIX}${n}=${value}; Domain=${planted.domain}; Path=/; SameSite=Strict` }));
          }
          out.push('  ' + deploy(trace, gaps));
          out.push('  ' + el('backend', { latency: latency(trace) + 'ms' }));
          deployed = true;
          out.push('  ' + el('reload', { tab }));
          planted = null;
        } else {
          out.push('  ' + el('tab', { name: tab, url: s.url, 'load-time': loadTime }));
        }
        break;
      case 'go': out.push('  ' + el('navigate', { tab, url: s.url, 'load-time': loadTime })); break;
      case 'follow': {
        const from = trace.steps.filter((x) => x.tab === tab && (x.do === 'go' || x.do === 'tab') && x.t < s.t).pop();
        const link = new URL(from.url).searchParams.get('link');
        out.push('  ' + el('navigate', { tab, url: link, 'load-time': loadTime }));
        break;
      }
      case 'reload': out.push('  ' + el('reload', { tab, 'load-time': loadTime })); break;
      case 'closeTab': out.push('  ' + el('close-tab', { tab })); break;
      case 'front': out.push('  ' + el('focus', { tab })); break;
      case 'click': out.push('  ' + el('user', { tab, do: 'click' })); break;
      // The recording's clock moved on at the click: a start or a send does not wait for its answer here.
      case 'chat': out.push('  ' + el('webchat', { tab, do: s.op, text: s.op === 'send' ? s.text : undefined,
        'no-wait-after': s.op === 'start' || s.op === 'send' ? 'true' : undefined })); break;
      case 'invite': out.push('  ' + el('invite', { tab, do: s.op })); break;
      case 'agent':
        if (s.op === 'say') out.push('  ' + el('agent', { say: s.text }));
        else if (s.op === 'end') out.push('  ' + el('agent', { do: 'end' }));
        else if (s.op === 'typing') out.push('  ' + el('agent', { do: 'typing' }));
        // chat-server.js's agent is "Kate"; a leave names nobody.
        else if (s.op === 'join') out.push('  ' + el('agent', { join: AGENT }));
        else if (s.op === 'leave') out.push('  ' + el('agent', { leave: 'true' }));
        else throw new Error(`${trace.name}: unknown agent op ${s.op}`);
        break;
      case 'server':
        if (s.op === 'status') out.push('  ' + el('backend', { status: String(s.status) }));
        else if (s.op === 'slow') out.push('  ' + el('backend', { do: 'slow', delay: s.ms + 'ms' }));
        else out.push('  ' + el('backend', { do: s.op }));
        break;
      case 'restart': out.push('  ' + el('restart', { 'load-time': trace.restore ? loadTime : undefined })); break;
      case 'wait': case 'until': break;
      case 'snap': expectations(trace, trace.snaps.find((x) => x.step === steps.indexOf(s)), out, gaps, seenPages, sorted, refusedSeen); break;
      default: throw new Error(`${trace.name}: unknown step ${s.do}`);
    }
  }
  // Counts that follow the widget's timers on real time: not asserted.
  const sent = {};
  for (const e of trace.log) if (e.k === 'request') sent[e.tab] = (sent[e.tab] || 0) + 1;
  if (Object.keys(sent).length) gaps.add(`how many polls and errors the widget's timers gave (requests per tab ${Object.entries(sent).map(([t, n]) => `${t} ${n}`).join(', ')}) and when: only whether any was sent`);
  if (trace.log.some((e) => e.k === 'heard')) gaps.add('storage events with their values (the GUIDs); event= counts them only');

  // A snapshot is what the widget showed at that instant: expectations there do not wait.
  const attrs = { name, engine: 'chromium', tags: 'widget recorded', within: '0' };
  if (trace.restore) attrs['session-restore'] = 'true';
  const head = [
    `<!-- Recorded from the real widget (${trace.widget}) in Chromium ${trace.chromium}`,
    `     by tests/widget-oracle (traces/${name}.json, from steps/${trace.name}.json); written by convert.js, do not edit.`,
    `     ${esc(trace.about).replace(/--/g, '- -')}`,
    '     Not asserted (the scenario language cannot say it today, or real-time timers decide it):',
    ...[...gaps].sort().map((g) => `       - ${esc(g).replace(/--/g, '- -')}`),
    '-->',
  ];
  return head.join('\n') + '\n' + `<scenario${Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('')}>\n` + out.join('\n') + '\n</scenario>\n';
}

function traceFiles() {
  if (!fs.existsSync(TRACES)) return [];
  return fs.readdirSync(TRACES).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(TRACES, f));
}

// The timings of every trace in one place, for the virtual clock's model:
// per trace, tab and page the intervals between refreshes (ms, as the
// recorder saw them, restores included), the restore latency of each page
// load from its script's start, and the delay from a chat request to its
// first poll; and browserTiming's where the trace has them.
// In traces with the browser's instants (nav records, a request's sent and
// end; timing.js): per page its load time and restore latency from the
// navigation start and from the load event, each request's round trip
// ("tab/pageN:kind:ms", or its failure) and when it was sent after its
// page's navigation start.
function browserTiming(t) {
  const pages = T.pages(t).filter((p) => p.nav);
  if (!pages.length) return {};
  const reqs = T.requests(t).filter((r) => r.end !== undefined || r.outcome === 'pending');
  return {
    loadMs: pages.map((p) => `${p.tab}/page${p.page}:${p.nav.load - p.nav.start}`),
    restoreFromNavMs: pages.filter((p) => p.restore).map((p) => `${p.tab}/page${p.page}:${p.restore.outcome}:${p.restore.at - p.nav.start}`),
    restoreFromLoadMs: pages.filter((p) => p.restore).map((p) => `${p.tab}/page${p.page}:${p.restore.outcome}:${p.restore.at - p.nav.load}`),
    roundTripMs: reqs.map((r) => `${r.tab}/page${r.page}:${r.kind}:${r.end === undefined ? 'pending' : typeof r.outcome === 'number' ? r.end - r.sent : `${r.outcome}@${r.end - r.sent}`}`),
    sentSinceNavMs: reqs.filter((r) => r.sinceNav !== undefined).map((r) => `${r.tab}/page${r.page}:${r.kind}:${r.sinceNav}`),
  };
}

function timing(files) {
  const lines = [];
  for (const f of files) {
    const t = JSON.parse(fs.readFileSync(f, 'utf8'));
    const tm = t.timing || { polls: {}, restores: [], starts: [] };
    const at = {};
    for (const e of t.log) if (e.k === 'request' && e.op === 'refresh') (at[`${e.tab}/page${e.page}`] = at[`${e.tab}/page${e.page}`] || []).push(e.t);
    const gaps = {};
    for (const [k, v] of Object.entries(at)) gaps[k] = v.slice(1).map((x, i) => x - v[i]);
    const row = { pollGaps: gaps, restoreMs: tm.restores.map((r) => `${r.tab}:${r.outcome}:${r.ms}`), firstPollMs: tm.starts.map((s) => s.firstPollMs) };
    Object.assign(row, browserTiming(t));
    lines.push(`  ${JSON.stringify(path.basename(f, '.json'))}: ${JSON.stringify(row)}`);
  }
  return '{\n' + lines.join(',\n') + '\n}\n';
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--stdout') {
    process.stdout.write(convert(JSON.parse(fs.readFileSync(args[1], 'utf8')), path.basename(args[1], '.json')));
    return;
  }
  // traces/NAME-2.json is a further recording of steps/NAME.json, kept
  // when it differs from the first (a race inside the widget).
  const want = new Map(traceFiles().map((f) => [path.basename(f, '.json'), convert(JSON.parse(fs.readFileSync(f, 'utf8')), path.basename(f, '.json'))]));
  const timingText = timing(traceFiles());
  if (args[0] === '--check') {
    let bad = 0;
    const tf = path.join(HERE, 'timing.json');
    if (want.size && (!fs.existsSync(tf) || fs.readFileSync(tf, 'utf8') !== timingText)) {
      console.log('tests/widget-oracle/timing.json: differs from the traces; run node tests/widget-oracle/convert.js');
      bad++;
    }
    for (const dir of [OUT, RECORDED]) {
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.xml')).sort()) {
        const name = path.basename(f, '.xml');
        const rel = path.relative(path.join(HERE, '..', '..'), path.join(dir, f));
        if (!want.has(name)) { console.log(`${rel}: no trace tests/widget-oracle/traces/${name}.json`); bad++; continue; }
        if (fs.readFileSync(path.join(dir, f), 'utf8') !== want.get(name)) {
          console.log(`${rel}: differs from what convert.js writes from traces/${name}.json; run node tests/widget-oracle/convert.js`);
          bad++;
        }
      }
    }
    for (const name of want.keys()) {
      if (!fs.existsSync(path.join(OUT, name + '.xml'))) { console.log(`tests/widget-oracle/scenarios/${name}.xml: missing; run node tests/widget-oracle/convert.js`); bad++; }
    }
    console.log(`convert --check: ${want.size} traces, ${bad} differences`);
    process.exit(bad ? 1 : 0);
  }
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(HERE, 'timing.json'), timingText);
  for (const [name, xml] of want) fs.writeFileSync(path.join(OUT, name + '.xml'), xml);
  // A recorded scenario already promoted follows its trace too.
  if (fs.existsSync(RECORDED)) {
    for (const f of fs.readdirSync(RECORDED).filter((x) => x.endsWith('.xml'))) {
      const name = path.basename(f, '.xml');
      if (want.has(name)) fs.writeFileSync(path.join(RECORDED, f), want.get(name));
    }
  }
  console.log(`convert: ${want.size} scenarios in tests/widget-oracle/scenarios/`);
}

module.exports = { convert };
if (require.main === module) main();
