// Firefox ESR for the oracle: starts /usr/bin/firefox-esr headless on a fresh
// profile whose user.js sends every request through the oracle's loopback
// server (acting as an HTTP proxy: Firefox has no host-resolver flag) and
// silences every background service, and drives it over WebDriver BiDi with
// puppeteer-core. Cookie, privacy and storage prefs are left at their
// defaults: those are what bsim's firefox preset models.
// (../shared/reference/real-browsers.md, "Firefox ESR".)
'use strict';

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { Worker, withTimeout } = require('./harness');
const { isoSeconds } = require('./ops');

const FIREFOX = process.env.BSIM_ORACLE_FIREFOX || '/usr/bin/firefox-esr';
const LAUNCH_TIMEOUT_MS = 45000;

function userJs(port) {
  const prefs = {
    // Everything through the loopback server, localhost included.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1', 'network.proxy.http_port': port,
    'network.proxy.ssl': '127.0.0.1', 'network.proxy.ssl_port': port,
    'network.proxy.no_proxies_on': '', 'network.proxy.allow_hijacking_localhost': true,
    'network.proxy.share_proxy_settings': false,
    // Any certificate: the server's is self-signed for every host.
    'network.stricttransportsecurity.preloadlist': false,
    // Background traffic off.
    'network.trr.mode': 5, 'network.prefetch-next': false, 'network.predictor.enabled': false,
    'network.dns.disablePrefetch': true, 'network.http.speculative-parallel-limit': 0,
    'network.http.http3.enable': false, 'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false, 'security.OCSP.enabled': 0,
    'toolkit.telemetry.enabled': false, 'toolkit.telemetry.unified': false,
    'datareporting.healthreport.uploadEnabled': false, 'datareporting.policy.dataSubmissionEnabled': false,
    'browser.crashReports.unsubmittedCheck.autoSubmit2': false, 'app.update.enabled': false,
    'app.update.auto': false, 'extensions.blocklist.enabled': false, 'app.normandy.enabled': false,
    'app.shield.optoutstudies.enabled': false, 'services.settings.server': 'http://127.0.0.1:1/',
    'browser.safebrowsing.malware.enabled': false, 'browser.safebrowsing.phishing.enabled': false,
    'browser.safebrowsing.downloads.enabled': false, 'browser.safebrowsing.update.enabled': false,
    'dom.push.enabled': false, 'geo.enabled': false, 'browser.search.suggest.enabled': false,
    'media.gmp-manager.updateEnabled': false, 'browser.newtabpage.enabled': false,
    'browser.newtabpage.activity-stream.feeds.topsites': false,
    'browser.newtabpage.activity-stream.feeds.section.topstories': false,
    'browser.startup.homepage_override.mstone': 'ignore', 'startup.homepage_welcome_url': '',
    'browser.aboutwelcome.enabled': false, 'trailhead.firstrun.didSeeAboutWelcome': true,
    'browser.shell.checkDefaultBrowser': false, 'browser.startup.page': 0,
    // Or the remote agent applies its own test prefs (file: behaviour among them).
    'remote.prefs.recommended': false,
  };
  return Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n';
}

// Firefox keeps cookie names and values as bytes and BiDi hands them over one
// byte per character: read them back as the UTF-8 they were written in.
// Text that is not valid UTF-8 that way was already text.
function bytesAsUtf8(s) {
  if (!/[\x80-\xff]/.test(s) || /[^\x00-\xff]/.test(s)) return s;
  const t = Buffer.from(s, 'latin1').toString('utf8');
  return t.includes('\ufffd') ? s : t;
}

// BiDi storage.getCookies → one `bsim cookie --json` dump line's fields.
// Firefox reports the host of a host-only cookie without a dot and a domain
// cookie with one, like CDP; "default" is its word for no SameSite.
function bidiCookieFields(c) {
  const hostOnly = !c.domain.startsWith('.');
  const value = c.value.type === 'string' ? bytesAsUtf8(c.value.value) : Buffer.from(c.value.value, 'base64').toString('utf8');
  return {
    name: bytesAsUtf8(c.name),
    value,
    domain: hostOnly ? c.domain : c.domain.slice(1),
    host_only: hostOnly,
    path: c.path,
    secure: !!c.secure,
    http_only: !!c.httpOnly,
    same_site: !c.sameSite || c.sameSite === 'default' ? 'unspecified' : c.sameSite,
    priority: 'medium',
    persistent: c.expiry !== undefined,
    expires: c.expiry !== undefined ? isoSeconds(c.expiry) : null,
    partition_key: null,
  };
}

class FirefoxProcess {
  constructor(profile, port) { this.profile = profile; this.port = port; }

  async start() {
    const puppeteer = require('puppeteer-core');
    fs.writeFileSync(path.join(this.profile, 'user.js'), userJs(this.port));
    this.proc = spawn(FIREFOX, ['--headless', '--no-remote', '--remote-debugging-port=0', '--remote-allow-system-access', '--profile', this.profile], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_DISABLE_NONLOCAL_CONNECTIONS: '1' },
    });
    this.exited = new Promise((r) => this.proc.once('exit', r));
    const endpoint = await withTimeout(new Promise((resolve, reject) => {
      let err = '';
      this.proc.stderr.on('data', (d) => {
        err += d.toString();
        const m = /WebDriver BiDi listening on (ws:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
      this.proc.once('exit', (code) => reject(new Error(`firefox exited (${code}) before it listened: ${err.slice(-500)}`)));
    }), LAUNCH_TIMEOUT_MS, 'firefox start');
    this.browser = await puppeteer.connect({ browserWSEndpoint: `${endpoint}/session`, protocol: 'webDriverBiDi', acceptInsecureCerts: true });
    this.version = (await this.browser.version()).replace(/^firefox\//i, '');
  }

  // A real quit, as a user's: nsIAppStartup in the parent process (needs
  // --remote-allow-system-access). BiDi's browser.close closes the tabs one
  // by one first, which is not what quitting does.
  async quit() {
    const send = (m, p) => this.browser.connection.send(m, p);
    try {
      const tree = await send('browsingContext.getTree', { 'moz:scope': 'chrome' });
      await send('script.evaluate', {
        expression: 'Services.startup.quit(Ci.nsIAppStartup.eAttemptQuit); 0',
        target: { context: tree.result.contexts[0].context }, awaitPromise: false,
      });
    } catch (_) {
      await this.browser.close().catch(() => {});
    }
    await withTimeout(this.exited, LAUNCH_TIMEOUT_MS, 'firefox quit').catch(() => this.proc.kill('SIGKILL'));
    await Promise.resolve(this.browser.disconnect()).catch(() => {});
  }

  kill() { try { this.proc.kill('SIGKILL'); } catch (_) { /* gone */ } }

  // A tab for one trace: in a fresh user context (fresh = true) or in the
  // profile's default one, which is what a restart keeps.
  async newSession(fresh) {
    const context = fresh ? await this.browser.createBrowserContext() : this.browser.defaultBrowserContext();
    const page = (fresh ? null : (await context.pages())[0]) || await context.newPage();
    const userContext = fresh ? context.userContext.id : 'default';
    const send = (m, p) => this.browser.connection.send(m, p);
    return {
      goto: (url) => page.goto(url),
      evaluate: (fn, arg) => page.evaluate(fn, arg),
      cookies: async () => {
        const { result } = await send('storage.getCookies', { partition: { type: 'storageKey', userContext } });
        // Firefox purges expired cookies lazily and BiDi lists them until
        // then; the browser never sends them, and bsim's dump drops them.
        const now = Date.now() / 1000;
        return result.cookies.filter((c) => c.expiry === undefined || c.expiry > now).map(bidiCookieFields);
      },
      dispose: async () => { if (fresh) await context.close().catch(() => {}); },
    };
  }
}

class FirefoxWorker extends Worker {
  constructor() { super(FirefoxProcess); }
}

module.exports = { FirefoxWorker, FirefoxProcess, bidiCookieFields };
