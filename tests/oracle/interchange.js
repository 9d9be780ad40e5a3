#!/usr/bin/env node
// storageState from bsim into real Chromium: bsim exports a state (a
// first-party partitioned cookie, a cross-site one, a plain one), Playwright's
// context.addCookies() loads the file into Chromium as storageState loading
// does, and the cookies each context sends must be the ones bsim sends after
// importing the same file. Without _crHasCrossSiteAncestor, playwright-core
// gives every partitioned cookie a cross-site ancestor and Chromium never
// sends the first-party one: the control case checks that this still holds,
// so the test shows what the member is for.
//
//   node tests/oracle/interchange.js [--bsim PATH]
//
// Ends with "interchange oracle: N passed, N failed"; exit 1 on a failure.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { LoopbackServer, ChromiumProcess } = require('./harness');
const { isoSeconds } = require('./ops');

const root = path.resolve(__dirname, '../..');
const argBsim = process.argv.indexOf('--bsim');
const BSIM = argBsim > 0 ? process.argv[argBsim + 1] : (process.env.BSIM || path.join(root, 'build-oracle/sim/cli/bsim'));

// One cross-site partitioned cookie, as a storageState without the member
// (Playwright's default: a cross-site ancestor).
const CROSS_SITE = JSON.stringify({ cookies: [{ name: 'xs', value: '1', domain: 'chat.example', path: '/', expires: -1,
  httpOnly: false, secure: true, sameSite: 'None', partitionKey: 'https://shop.com' }] });

function bsim(dir, now, ops) {
  fs.writeFileSync(path.join(dir, 'run.ops'), ops);
  const r = spawnSync(BSIM, ['cookie', '--now', now, 'run.ops'], { cwd: dir });
  if (r.status !== 0) throw new Error(`bsim exited ${r.status}: ${r.stderr}`);
  return { out: r.stdout.toString(), err: r.stderr.toString() };
}

// Cookie headers compared as sets of pairs: the order is the engines' own business here.
function sortPairs(header) { return header.split('; ').filter(Boolean).sort().join('; '); }

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bsim-interchange-oracle-'));
  const results = [];
  const check = (name, ok, detail) => { results.push(ok); console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${ok ? '' : `: ${detail}`}`); };
  const server = new LoopbackServer(dir);
  const port = await server.listen();
  const chromium = new ChromiumProcess(path.join(dir, 'profile'), port);
  try {
    const now = isoSeconds(Math.floor(Date.now() / 1000));
    fs.writeFileSync(path.join(dir, 'xs.json'), CROSS_SITE);
    const made = bsim(dir, now,
      'set https://www.shop.com/ fp=1; Secure; Partitioned; SameSite=None; Path=/; Max-Age=3600\n' +
      'set https://www.shop.com/ plain=1; Secure; SameSite=Lax; Path=/; Max-Age=3600\n' +
      'import xs.json\nexport state.json\n');
    check('an export at today\'s clock does not warn', made.err === '', made.err);
    const state = JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8'));
    const byName = Object.fromEntries(state.cookies.map((c) => [c.name, c]));
    check('the first-party partitioned cookie is written with _crHasCrossSiteAncestor false',
      byName.fp && byName.fp._crHasCrossSiteAncestor === false, JSON.stringify(byName.fp));
    check('the cross-site partitioned cookie is written with _crHasCrossSiteAncestor true',
      byName.xs && byName.xs._crHasCrossSiteAncestor === true, JSON.stringify(byName.xs));
    const top = sortPairs(bsim(dir, now, 'import state.json\nget https://www.shop.com/\n').out.trim());

    await chromium.start();
    const run = async (cookies) => {
      const context = await chromium.browser.newContext({ ignoreHTTPSErrors: true });
      await context.addCookies(cookies);
      const page = await context.newPage();
      let seen = server.expect('https', 'www.shop.com', '/', null);
      await page.goto('https://www.shop.com/');
      const topSent = sortPairs((await seen).cookie);
      const script = sortPairs(await page.evaluate(() => document.cookie));
      seen = server.expect('https', 'chat.example', '/x', null);
      page.evaluate(() => fetch('https://chat.example/x', { credentials: 'include', mode: 'no-cors' }).catch(() => 0))
        .catch(() => {}); // the page may close before the fetch settles
      const framed = sortPairs((await seen).cookie);
      await context.close();
      return { topSent, script, framed };
    };
    const real = await run(state.cookies);
    check(`Chromium ${chromium.version} sends at www.shop.com what bsim sends (${top})`, real.topSent === top,
      `Chromium sent "${real.topSent}"`);
    check('document.cookie on www.shop.com shows the first-party partitioned cookie', real.script === 'fp=1; plain=1',
      real.script);
    check('a chat.example request from www.shop.com carries the cross-site partitioned cookie', real.framed === 'xs=1',
      real.framed);
    // The control: the same file without the member, as bsim wrote it before.
    const old = state.cookies.map((c) => { const d = { ...c }; delete d._crHasCrossSiteAncestor; return d; });
    const without = await run(old);
    check('without the member Chromium drops the first-party partitioned cookie (why bsim writes it)',
      without.topSent === 'plain=1', without.topSent);
    const bsimOld = sortPairs((() => {
      fs.writeFileSync(path.join(dir, 'old.json'), JSON.stringify({ cookies: old, origins: [] }));
      return bsim(dir, now, 'import old.json\nget https://www.shop.com/\n').out.trim();
    })());
    check('and bsim, importing that file, does as Chromium does', bsimOld === without.topSent, bsimOld);
  } finally {
    await chromium.quit().catch(() => chromium.kill());
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const failed = results.filter((ok) => !ok).length;
  console.log(`interchange oracle: ${results.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code), (e) => { console.error(e); console.log('interchange oracle: 0 passed, 1 failed'); process.exit(1); });
