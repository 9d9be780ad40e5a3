#!/usr/bin/env node
// Runs each trace in bsim (`bsim cookie --engine chromium --json --now T0`,
// or firefox) and in the real browser (harness.js), and compares what they print: value
// lines (Cookie header, document.cookie) exactly, dump lines cookie by cookie
// and field by field (the expiry within the time the browser run took, since
// the browser's clock moves on while bsim's stands still between waits). Any
// difference fails the trace and is printed with the trace, the step and both
// results, unless known-differences.txt lists it with its reason.
//
//   node compare.js [--bsim PATH] [--jobs N] [--browser chromium|firefox]
//                   [--known FILE] [--quiet] TRACE...
//
// Ends with the line "oracle: N passed, N failed, N skipped" (one count per
// trace); exits 0 when nothing failed, 1 otherwise, 2 on bad usage.
'use strict';

const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { Worker, formatLine } = require('./harness');
const { isoSeconds } = require('./ops');

// Slack on expiry instants beyond the browser run's own duration: the CDP
// expiry is fractional and rounded, and t0 is rounded down to a second.
const EXPIRY_SLACK_S = 2;
// A line on stderr every so many traces, so a long run shows it is alive.
const PROGRESS_EVERY = 100;
// The machine has two cores; each browser already uses more than one thread.
const MAX_JOBS = 2;

function usage(msg) {
  process.stderr.write(`compare: ${msg}\nusage: node compare.js [--bsim PATH] [--jobs N] [--browser chromium|firefox] [--known FILE] [--quiet] TRACE...\n`);
  process.exit(2);
}

// known-differences.txt: "PATTERN  REASON" a line; PATTERN is a glob ("*"
// matches anything) over "TRACE:LINE", TRACE the trace's path relative to
// tests/oracle (traces/x.ops) or its generated name (gen-7-0042.ops).
function loadKnown(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')).map((l) => {
      const m = /^(\S+)\s+(.*)$/.exec(l);
      if (!m) throw new Error(`${file}: a line needs a pattern and a reason: ${l}`);
      const re = new RegExp('^' + m[1].split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      return { pattern: m[1], re, reason: m[2], used: 0 };
    });
}

function runBsim(bsim, engine, trace, t0) {
  const r = spawnSync(bsim, ['cookie', '--engine', engine, '--json', '--now', isoSeconds(t0), '-'],
    { input: trace, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) {
    return { error: `bsim exited ${r.status}: ${r.stderr.toString().slice(0, 2000)}` };
  }
  const lines = r.stdout.toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { lines };
}

// Normalises a parsed line so both sides print alike (re-serialised in bsim's
// field order).
function norm(l) { return formatLine(l); }

const cookieKey = (c) => `${c.domain}\t${c.host_only}\t${c.path}\t${c.name}`;

// Returns a list of differences {line, what, bsim, browser}.
function diffRuns(bsimLines, browserLines, tolS) {
  const diffs = [];
  const byLine = (ls) => {
    const m = new Map();
    for (const l of ls) {
      const k = l.line;
      if (!m.has(k)) m.set(k, []);
      m.get(k).push(l);
    }
    return m;
  };
  const a = byLine(bsimLines);
  const b = byLine(browserLines);
  const lines = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  for (const line of lines) {
    const la = a.get(line) || [];
    const lb = b.get(line) || [];
    const op = (la[0] || lb[0]).op;
    if (op !== 'dump') {
      const va = la.map((l) => l.value);
      const vb = lb.map((l) => l.value);
      if (JSON.stringify(va) !== JSON.stringify(vb)) {
        diffs.push({ line, what: `${op} value`, bsim: la.map(norm).join('\n') || '(nothing)', browser: lb.map(norm).join('\n') || '(nothing)' });
      }
      continue;
    }
    // Dumps: the browser reports no creation order, so cookies are matched
    // by their identity (domain, host-only, path, name).
    const ma = new Map(la.map((c) => [cookieKey(c), c]));
    const mb = new Map(lb.map((c) => [cookieKey(c), c]));
    for (const [k, ca] of ma) {
      const cb = mb.get(k);
      if (!cb) {
        diffs.push({ line, what: `dump: only bsim has cookie "${ca.name}"`, bsim: norm(ca), browser: '(none)' });
        continue;
      }
      const fields = [];
      for (const f of ['value', 'secure', 'http_only', 'same_site', 'priority', 'persistent', 'partition_key']) {
        if (ca[f] !== cb[f]) fields.push(f);
      }
      if ((ca.expires === null) !== (cb.expires === null)) {
        fields.push('expires');
      } else if (ca.expires !== null) {
        const d = Math.abs(Date.parse(ca.expires) - Date.parse(cb.expires)) / 1000;
        if (d > tolS) fields.push(`expires (${d} s apart, tolerance ${tolS} s)`);
      }
      if (fields.length) {
        diffs.push({ line, what: `dump: cookie "${ca.name}" differs in ${fields.join(', ')}`, bsim: norm(ca), browser: norm(cb) });
      }
    }
    for (const [k, cb] of mb) {
      if (!ma.has(k)) diffs.push({ line, what: `dump: only the browser has cookie "${cb.name}"`, bsim: '(none)', browser: norm(cb) });
    }
  }
  return diffs;
}

function showTrace(trace) {
  return trace.toString('utf8').split('\n').map((l, i) => `  ${String(i + 1).padStart(4)} | ${l}`).join('\n');
}

async function main(argv) {
  const opt = { bsim: null, jobs: MAX_JOBS, browser: 'chromium', known: path.join(__dirname, 'known-differences.txt'), quiet: false };
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--bsim') opt.bsim = argv[++i];
    else if (a === '--jobs') opt.jobs = Math.max(1, Math.min(MAX_JOBS, Number(argv[++i]) || 1));
    else if (a === '--browser') opt.browser = argv[++i];
    else if (a === '--known') opt.known = argv[++i];
    else if (a === '--quiet') opt.quiet = true;
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else files.push(a);
  }
  if (!opt.bsim) opt.bsim = path.join(__dirname, '../../build-oracle/sim/cli/bsim');
  if (!fs.existsSync(opt.bsim)) usage(`no bsim binary at ${opt.bsim} (build it, or pass --bsim)`);
  if (!files.length) usage('no traces');
  const known = loadKnown(opt.known);
  const W = opt.browser === 'firefox' ? require('./firefox').FirefoxWorker : Worker;

  const counts = { passed: 0, failed: 0, skipped: 0 };
  const started = Date.now();
  let next = 0;
  let version = null;
  const nameOf = (f) => {
    const rel = path.relative(__dirname, path.resolve(f));
    return rel.startsWith('..') ? path.basename(f) : rel;
  };

  const runOne = async (w, file) => {
    const name = nameOf(file);
    const template = fs.readFileSync(file);
    let r;
    try {
      r = await w.run(template, name);
    } catch (e) {
      counts.failed++;
      process.stdout.write(`FAIL ${name}: the browser run broke: ${e.message}\n${showTrace(template)}\n\n`);
      return false;
    }
    if (r.skipped) {
      counts.skipped++;
      if (!opt.quiet) process.stdout.write(`skip ${name}: ${r.skipped}\n`);
      return true;
    }
    const bs = runBsim(opt.bsim, opt.browser, r.trace, r.t0);
    if (bs.error) {
      counts.failed++;
      process.stdout.write(`FAIL ${name}: ${bs.error}\n${showTrace(r.trace)}\n\n`);
      return true;
    }
    const tol = (r.end - r.t0 * 1000) / 1000 + EXPIRY_SLACK_S;
    const diffs = diffRuns(bs.lines, r.lines, tol);
    const unknown = [];
    for (const d of diffs) {
      const k = known.find((x) => x.re.test(`${name}:${d.line}`));
      if (k) {
        k.used++;
        if (!opt.quiet) process.stdout.write(`known ${name}:${d.line}: ${d.what} (${k.reason})\n`);
      } else {
        unknown.push(d);
      }
    }
    if (!unknown.length) {
      counts.passed++;
      return true;
    }
    counts.failed++;
    let out = `FAIL ${name} (--now ${isoSeconds(r.t0)})\n${showTrace(r.trace)}\n`;
    for (const d of unknown) {
      out += `  step ${name}:${d.line}: ${d.what}\n    bsim:     ${d.bsim.split('\n').join('\n              ')}\n    ${opt.browser.padEnd(9)} ${d.browser.split('\n').join('\n              ')}\n`;
    }
    process.stdout.write(out + '\n');
    return true;
  };

  // Up to opt.jobs workers, each with its own server and browser; a worker
  // whose browser broke is replaced before it takes the next trace.
  const loop = async () => {
    let w = null;
    try {
      while (next < files.length) {
        const file = files[next++];
        if (!w) {
          w = new W();
          await w.init();
          if (!version) version = await w.version();
        }
        const ok = await runOne(w, file);
        const done = counts.passed + counts.failed + counts.skipped;
        if (done % PROGRESS_EVERY === 0) {
          process.stderr.write(`compare: ${done}/${files.length} traces, ${counts.failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
        }
        if (!ok) {
          await w.close().catch(() => {});
          w = null;
        }
      }
    } finally {
      if (w) await w.close().catch(() => {});
    }
  };
  await Promise.all(Array.from({ length: Math.min(opt.jobs, files.length) }, loop));

  const secs = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(`${opt.browser} ${version || '?'}: ${files.length} traces in ${secs} s\n`);
  process.stdout.write(`oracle: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  return counts.failed ? 1 : 0;
}

module.exports = { diffRuns, loadKnown };

if (require.main === module) {
  main(process.argv.slice(2)).then((c) => process.exit(c), (e) => {
    process.stderr.write(`compare: ${e.stack || e}\n`);
    process.stdout.write('oracle: 0 passed, 1 failed, 0 skipped\n');
    process.exit(1);
  });
}
