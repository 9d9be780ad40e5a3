'use strict';
// page.js: the HTML the chat server answers for every page of every host.
// A host page loads the real widget (vendor/widgets.min.js) with a
// window._genesys.widgets configuration whose webchat.dataURL points at the
// fake chat API, and records, without changing anything, what the widget
// does in the page:
//   - each document.cookie assignment (the exact string) and whether it
//     stuck (the name's value read back right after; null when refused);
//   - each Web Storage setItem/removeItem/clear, and each storage event the
//     page receives;
//   - each event the widget publishes on its bus (WebChatService, WebChat,
//     App, Toaster);
//   - its own inFocus GUID (the last non-empty value this page wrote);
//   - its load's instants (k "nav") and each visibility change.
// window.__oracle.cmd(name, data) runs a bus command; window.__oracle.state()
// reads the page (storage, the chat window, transcript lines, badge, toast).
// Times are ms since the recording began (the server embeds its start).

const fs = require('fs');
const path = require('path');

const I18N = path.join(__dirname, 'vendor', 'i18n', 'widgets-en.i18n.json');

// The bus events recorded, as the 9.0.018.07 bundle registers them.
const EVENTS = {
  WebChatService: ['ready', 'restored', 'restoreTimeout', 'restoreFailed', 'messageReceived', 'error', 'started', 'ended',
    'pollingStarted', 'pollingStopped', 'clientConnected', 'clientDisconnected', 'agentConnected', 'agentDisconnected',
    'disconnected', 'reconnected', 'chatServerWentOffline', 'chatServerBackOnline', 'sleeping', 'waking', 'sessionLost'],
  WebChat: ['ready', 'opened', 'started', 'cancelled', 'submitted', 'completed', 'closed', 'minimized', 'unminimized'],
  App: ['ready', 'focus', 'blur'],
  Toaster: ['opened', 'closed'],
};

function merge(a, b) {
  const out = Object.assign({}, a);
  for (const k of Object.keys(b || {})) {
    const x = a ? a[k] : undefined;
    const y = b[k];
    out[k] = x && y && typeof x === 'object' && typeof y === 'object' && !Array.isArray(y) ? merge(x, y) : y;
  }
  return out;
}

// The widget configuration every page starts from; a step list's "config"
// is merged over it, and "hosts": {HOST: {...}} over that for one host.
const BASE = {
  main: { theme: 'light', lang: 'en', downloadGoogleFont: false, debug: false },
  webchat: { emojis: false, uploadsEnabled: false, cometD: { enabled: false }, autoInvite: { enabled: false },
    chatButton: { enabled: true, openDelay: 0 }, userData: {} },
};

// In the page, before the widget: the recorder.
function recorder(T0) {
  var R = window.__oracle = { log: [], guid: null };
  function now() { return Date.now() - T0; }
  var desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  function readBack(name) {
    var parts = (desc.get.call(document) || '').split('; ');
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: function () { return desc.get.call(document); },
    set: function (v) {
      desc.set.call(document, v);
      var s = String(v);
      var name = s.slice(0, s.indexOf('='));
      var value = s.slice(name.length + 1).split(';')[0];
      var gone = /;\s*expires=/i.test(s) && value === '';
      var back = readBack(name);
      var e = { t: now(), k: 'cookie', set: s };
      // stuck: the jar now shows what was written (a delete: nothing).
      if (gone ? back !== null : back !== value) { e.stuck = false; e.back = back; }
      R.log.push(e);
    },
  });
  ['setItem', 'removeItem', 'clear'].forEach(function (fn) {
    var orig = Storage.prototype[fn];
    Storage.prototype[fn] = function (key, value) {
      var area = this === window.localStorage ? 'local' : 'session';
      var e = { t: now(), k: 'store', area: area, op: fn };
      if (fn !== 'clear') e.key = key;
      if (fn === 'setItem') {
        e.value = String(value);
        if (key === '_genesys.widgets.inFocus' && e.value) R.guid = e.value;
      }
      R.log.push(e);
      return orig.apply(this, arguments);
    };
  });
  window.addEventListener('storage', function (e) {
    R.log.push({ t: now(), k: 'heard', key: e.key, old: e.oldValue, value: e.newValue });
  });
  window.addEventListener('error', function (e) { R.log.push({ t: now(), k: 'error', msg: String(e.message) }); });
  // The load's instants on the recording's clock: navigation start (the
  // time origin), the response's end, DOMContentLoaded and the load event
  // (Navigation Timing; loadEventStart is set before load's listeners run).
  window.addEventListener('load', function () {
    var n = performance.getEntriesByType('navigation')[0];
    var o = performance.timeOrigin - T0;
    var at = function (x) { return Math.round(o + x); };
    R.log.push({ t: now(), k: 'nav', start: Math.round(o), response: n ? at(n.responseEnd) : null,
      dcl: n ? at(n.domContentLoadedEventStart) : null, load: n ? at(n.loadEventStart) : now() });
  });
  // Front or hidden: Chromium throttles a hidden page's timers.
  document.addEventListener('visibilitychange', function () { R.log.push({ t: now(), k: 'visible', state: document.visibilityState }); });
  R.now = now;
  R.log.push({ t: now(), k: 'init', url: location.href });
}

// In the page, after the widget: bus subscriptions, commands, state.
function busHooks(EVENTS) {
  var R = window.__oracle;
  if (!window.CXBus) { R.log.push({ t: R.now(), k: 'error', msg: 'no CXBus after widgets.min.js' }); return; }
  function brief(ev, d) {
    if (ev === 'WebChatService.messageReceived' && d) {
      return { restoring: !!d.restoring, lines: (d.messages || []).map(function (m) { return m.index + ':' + m.type + ':' + (m.from && m.from.type); }) };
    }
    if (ev === 'WebChatService.error' && d) return { code: d.code !== undefined ? d.code : (d.errors && d.errors[0] && d.errors[0].code) };
    return undefined;
  }
  Object.keys(EVENTS).forEach(function (plugin) {
    EVENTS[plugin].forEach(function (name) {
      var ev = plugin + '.' + name;
      window.CXBus.subscribe(ev, function (e) {
        var x = { t: R.now(), k: 'event', ev: ev };
        var b = brief(ev, e && e.data);
        if (b !== undefined) x.data = b;
        R.log.push(x);
      });
    });
  });
  R.cmd = function (name, data) {
    return new Promise(function (resolve) {
      var settled = false;
      var finish = function (r) { if (!settled) { settled = true; resolve(r); } };
      setTimeout(function () { finish({ ok: null }); }, 5000);
      try {
        window.CXBus.command(name, data || {}).done(function () { finish({ ok: true }); }).fail(function (e) { finish({ ok: false, error: String(e && (e.message || e)) }); });
      } catch (err) { finish({ ok: false, error: String(err) }); }
    });
  };
  R.state = function () {
    function items(s) { var o = {}; for (var i = 0; i < s.length; i++) { var k = s.key(i); o[k] = s.getItem(k); } return o; }
    function shown(el) { if (!el) return false; var cs = getComputedStyle(el); return cs.display !== 'none' && cs.visibility !== 'hidden' && el.getClientRects().length > 0; }
    var w = document.querySelector('.cx-widget.cx-webchat');
    var lines = w ? Array.prototype.map.call(w.querySelectorAll('.cx-transcript .cx-message'), function (m) {
      var who = m.classList.contains('cx-them') ? 'agent' : m.classList.contains('cx-you') ? 'you' : 'system';
      var txt = m.querySelector('.cx-message-text');
      return who + ': ' + (txt ? txt.textContent : m.textContent).trim().slice(0, 60);
    }) : [];
    var badge = w ? w.querySelector('.cx-webchat-counter') : null;
    var toasts = Array.prototype.filter.call(document.querySelectorAll('.cx-widget.cx-toaster'), shown)
      .map(function (t) { return t.textContent.replace(/\s+/g, ' ').trim().slice(0, 100); });
    return {
      url: location.href,
      guid: R.guid,
      hasFocus: document.hasFocus(),
      visible: document.visibilityState,
      local: items(window.localStorage),
      session: items(window.sessionStorage),
      window: shown(w),
      minimized: !!w && w.classList.contains('cx-minimized'),
      form: !!w && shown(w.querySelector('.cx-form-wrapper')),
      transcript: lines,
      badge: badge && shown(badge) ? badge.textContent.trim() : '',
      button: shown(document.querySelector('.cx-webchat-chat-button')),
      toasts: toasts,
    };
  };
}

let i18nCache;
function i18n() {
  if (i18nCache === undefined) i18nCache = fs.existsSync(I18N) ? JSON.parse(fs.readFileSync(I18N, 'utf8')) : null;
  return i18nCache;
}

function hostHtml(host, url, config) {
  const hostCfg = (config.hosts && config.hosts[host]) || {};
  const widgets = merge(merge(BASE, config.widgets || {}), hostCfg);
  if (i18n()) widgets.main.i18n = i18n();
  const api = `http://gms.chatapi.test/genesys/2/chat/customer-support`;
  return `<!doctype html><html><head><meta charset="utf-8"><title>${host}${url.pathname}</title>
<link rel="icon" href="data:,"><link rel="stylesheet" href="/vendor/widgets.min.css">
<script>(${recorder})(${Number(config.t0) || 0});</script>
<script>window._genesys = {widgets: ${JSON.stringify(widgets)}}; window._genesys.widgets.webchat.dataURL = ${JSON.stringify(api)};</script>
</head><body><h1>${host}${url.pathname}</h1>
<script src="/vendor/widgets.min.js"></script>
<script>(${busHooks})(${JSON.stringify(EVENTS)});</script>
</body></html>`;
}

// A page without the widget (?plain); ?link=URL adds a link #go to URL.
function plainHtml(host, url) {
  const link = url.searchParams.get('link');
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head><body>` +
    `<h1>${esc(host)} (no widget)</h1>${link ? `<a id="go" href="${esc(link)}">go</a>` : ''}</body></html>`;
}

module.exports = { hostHtml, plainHtml, EVENTS, merge };
