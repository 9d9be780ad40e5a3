'use strict';
// chromium.js: starts Debian's Chromium on a profile directory and attaches
// playwright-core over the DevTools protocol. Every host name resolves to
// the loopback chat server (--host-resolver-rules), so nothing leaves the
// machine. The process is ours, so a quit is a real browser shutdown
// (Browser.close), after which the profile can be started again with or
// without "continue where you left off". connectOverCDP gets noDefaults so
// that Playwright does not emulate focus: only the front tab has
// document.hasFocus(), as for a user.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawn } = require('child_process');
const { chromium } = require('playwright-core');

const BINARY = process.env.WIDGET_ORACLE_CHROMIUM || '/usr/bin/chromium';

function newProfile() { return fs.mkdtempSync(path.join(os.tmpdir(), 'bsim-widget-oracle-')); }

// Chromium's startup choice lives in the profile's Preferences:
// session.restore_on_startup 1 = continue where you left off, 5 = new tab.
function setStartup(profile, restore) {
  const file = path.join(profile, 'Default', 'Preferences');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let prefs = {};
  try { prefs = JSON.parse(fs.readFileSync(file, 'utf8')); } catch (_) { /* a fresh profile */ }
  prefs.session = Object.assign({}, prefs.session, { restore_on_startup: restore ? 1 : 5 });
  prefs.profile = Object.assign({}, prefs.profile, { exit_type: 'Normal', exited_cleanly: true });
  fs.writeFileSync(file, JSON.stringify(prefs));
}

async function launch(profile, port) {
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--no-default-browser-check', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--password-store=basic', '--disable-features=HttpsUpgrades',
    `--host-resolver-rules=MAP * 127.0.0.1:${port}`, `--user-data-dir=${profile}`,
    '--remote-debugging-port=0', '--window-size=1200,900'];
  const proc = spawn(BINARY, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  const ws = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('chromium printed no DevTools address in 30 s')), 30000);
    const onData = (d) => {
      text += d;
      const m = text.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) { clearTimeout(timer); proc.stderr.off('data', onData); proc.stderr.resume(); resolve(m[1]); }
    };
    proc.stderr.on('data', onData);
    proc.once('exit', (code) => { clearTimeout(timer); reject(new Error(`chromium exited (${code}): ${text.slice(-400)}`)); });
  });
  const browser = await chromium.connectOverCDP(ws, { noDefaults: true, timeout: 20000 });
  return {
    browser, context: browser.contexts()[0], version: browser.version(),
    async quit() {
      try { const s = await browser.newBrowserCDPSession(); await s.send('Browser.close'); } catch (_) { /* gone */ }
      const done = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 15000))]);
      if (done === 'timeout') { proc.kill('SIGKILL'); await exited; }
    },
  };
}

module.exports = { launch, newProfile, setStartup };
