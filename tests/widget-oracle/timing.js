'use strict';
// timing.js: the instants a recorded trace holds, as data, for the figures
// of TIMING.md (timing-figures), timing.json (convert.js) and the
// comparison with bsim's own instants (timing-agreement). It reads any
// trace: the fields record.js added later (a request's browser-side `sent`
// and `end`, `status` or `failed`; each page's `nav` record with its
// navigation start and load event; `visible` changes) are used where
// present, and the recorder's own instants (`t`) stand in where not, so the
// oldest traces still give their polls and restores.
//
// All instants are ms since the recording began (trace t = 0).

// A restore's outcome, as the widget publishes it on its bus.
const OUTCOMES = ['WebChatService.restored', 'WebChatService.restoreFailed', 'WebChatService.restoreTimeout'];
// The API ops as the scenario language names them (sent=); a refresh is a
// poll, or a restore where isRestore says so.
const KIND = { requestChat: 'start', refresh: 'poll', send: 'send', disconnect: 'disconnect', customNotice: 'customNotice' };

// The trace logs a restore as a refresh: the one whose page's next chat
// event is the restore's outcome (at a load, or WebChat.close reopening a
// running chat), where a poll's page goes on polling.
function isRestore(trace, r) {
  for (const e of trace.log.slice(trace.log.indexOf(r) + 1)) {
    if (e.tab !== r.tab || e.page !== r.page) continue;
    if (e.k === 'request') return false;
    if (e.k === 'event' && OUTCOMES.includes(e.ev)) return true;
    if (e.k === 'event' && /^WebChatService\.(pollingStarted|started|messageReceived|ended)$/.test(e.ev)) return false;
  }
  return false;
}

// Every API request the widget sent: {tab, page, op, kind, sent, end?,
// sinceNav?, outcome}, sent from the browser's clock where the trace has it (else when
// the recorder saw it), outcome an HTTP status, Chromium's error text
// (net::ERR_ABORTED: the page left; net::ERR_CONNECTION_RESET: the server
// went down), "pending" (no end: the browser quit first) or "unknown" (an
// older trace, which did not record ends).
//
// A page's first request, a refresh before the page started a chat, is its
// restore even when the page left before the outcome (isRestore, which the
// scenarios' sent= counts follow, cannot tell it from a poll).
function leftRestore(trace, r) {
  const before = trace.log.slice(0, trace.log.indexOf(r)).filter((e) => e.tab === r.tab && e.page === r.page);
  return !before.some((e) => e.k === 'request' || (e.k === 'event' && /^WebChatService\.(started|pollingStarted)$/.test(e.ev)));
}
function requests(trace) {
  const newer = trace.log.some((e) => e.k === 'request' && e.end !== undefined);
  const navs = new Map(trace.log.filter((e) => e.k === 'nav').map((e) => [`${e.tab}/${e.page}`, e.start]));
  return trace.log.filter((e) => e.k === 'request').map((e) => {
    const restore = e.op === 'refresh' && (isRestore(trace, e) || leftRestore(trace, e));
    const r = { tab: e.tab, page: e.page, op: e.op, kind: restore ? 'restore' : (KIND[e.op] || e.op),
      sent: e.sent !== undefined ? e.sent : e.t };
    if (e.end !== undefined) r.end = e.end;
    // Since its page's navigation start, where the trace has it.
    if (navs.has(`${e.tab}/${e.page}`)) r.sinceNav = r.sent - navs.get(`${e.tab}/${e.page}`);
    r.outcome = e.failed || (e.status !== undefined ? e.status : newer ? 'pending' : 'unknown');
    return r;
  });
}

// Every page that ran the recorder: {tab, page, url, init, nav?: {start,
// response, dcl, load}, restore?: {outcome, at}} (the page's first restore
// outcome before it started or ended a chat of its own).
function pages(trace) {
  const out = [];
  for (const i of trace.log.filter((e) => e.k === 'init')) {
    const own = trace.log.filter((e) => e.page === i.page && e.tab === i.tab);
    const p = { tab: i.tab, page: i.page, url: i.url, init: i.t };
    const nav = own.find((e) => e.k === 'nav');
    if (nav) p.nav = { start: nav.start, response: nav.response, dcl: nav.dcl, load: nav.load };
    for (const e of own) {
      if (e.k !== 'event') continue;
      if (/^WebChatService\.(started|ended)$/.test(e.ev)) break;
      if (OUTCOMES.includes(e.ev)) { p.restore = { outcome: e.ev.split('.')[1], at: e.t }; break; }
    }
    out.push(p);
  }
  return out;
}

// Which tab is in front at instant t, from the steps (a new tab comes to
// the front; "front" brings one there) and, in newer traces, the pages'
// visibility changes. null when the steps do not say (a closed front tab,
// a restart).
function frontAt(trace, t) {
  let front = null;
  for (const s of trace.steps) {
    if (s.t > t) break;
    if (s.do === 'tab' || s.do === 'front') front = s.tab;
    else if ((s.do === 'closeTab' && s.tab === front) || s.do === 'restart') front = null;
  }
  const open = new Set(trace.steps.filter((s) => s.t <= t && s.do === 'tab').map((s) => s.tab));
  if (front === null && open.size === 1) front = [...open][0];
  return front;
}

// Per page, its polls' gaps: {tab, page, gaps: [{ms, from, to, where}]},
// where "front", "hidden" or "mixed" (the tab changed place in between).
function pollGaps(trace) {
  const by = new Map();
  for (const r of requests(trace)) {
    if (r.kind !== 'poll') continue;
    const k = `${r.tab}/page${r.page}`;
    if (!by.has(k)) by.set(k, { tab: r.tab, page: r.page, polls: [] });
    by.get(k).polls.push(r.sent);
  }
  const out = [];
  for (const [key, v] of by) {
    const gaps = [];
    for (let i = 1; i < v.polls.length; i++) {
      const a = frontAt(trace, v.polls[i - 1]) === v.tab;
      const b = frontAt(trace, v.polls[i]) === v.tab;
      const switched = trace.steps.some((s) => s.t > v.polls[i - 1] && s.t < v.polls[i] && ['tab', 'front', 'closeTab', 'restart'].includes(s.do));
      gaps.push({ ms: v.polls[i] - v.polls[i - 1], from: v.polls[i - 1], to: v.polls[i], n: i, where: switched || a !== b ? 'mixed' : a ? 'front' : 'hidden' });
    }
    out.push({ key, tab: v.tab, page: v.page, polls: v.polls, gaps });
  }
  return out;
}

// When a step happened: a navigation at its page's navigation start where
// the trace has it (the page's nav record; the step began earlier, while
// the recorder harvested the page it left), so that the scenario's clock
// places it where the browser did; any other step when it began.
const NAVIGATING = ['tab', 'go', 'reload', 'follow'];
function stepAt(trace, s) {
  if (!NAVIGATING.includes(s.do)) return s.t;
  const next = trace.steps[trace.steps.indexOf(s) + 1];
  const nav = trace.log.find((e) => e.k === 'nav' && e.tab === s.tab && e.start >= s.t && (!next || e.start < next.t));
  return nav ? nav.start : s.t;
}

// Where the scenario's clock starts on the recording's: the first step that
// is not a wait (convert.js writes the steps' gaps from there).
function origin(trace) {
  const first = trace.steps.find((s) => s.do !== 'wait' && s.do !== 'until');
  return first ? stepAt(trace, first) : 0;
}

module.exports = { OUTCOMES, KIND, isRestore, requests, pages, frontAt, pollGaps, stepAt, origin };
