// The op file ("trace") format shared by the oracle's harness, generator and
// comparison: the same lines `bsim cookie` reads (docs/cookie-command.md),
// parsed here byte for byte so that the browser replays exactly what bsim
// replays, plus the run-time placeholders that let a trace name instants
// relative to the moment it runs (real browsers only have the real clock).
'use strict';

const OPS = new Set(['set', 'script', 'get', 'read', 'wait', 'close', 'dump']);
// Ops whose URL is followed by one space and a value (the rest of the line).
const VALUE_OPS = new Set(['set', 'script']);

// Placeholders a generated trace may hold; replaced before bsim or the browser
// sees the trace, with the run's start instant T0 (whole seconds):
//   {{date:+N}} / {{date:-N}}  an HTTP date (IMF-fixdate) N seconds from T0
//   {{rfc850:+N}}              the same instant as "Wednesday, 09-Jun-21 10:18:14 GMT"
//   {{asctime:+N}}             the same instant as "Wed Jun  9 10:18:14 2021"
//   {{unix:+N}}                T0 + N as seconds since the epoch
const PLACEHOLDER = /\{\{(date|rfc850|asctime|unix):([+-]\d+)\}\}/g;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n) => String(n).padStart(2, '0');

function httpDate(seconds) {
  return new Date(seconds * 1000).toUTCString(); // "Wed, 09 Jun 2021 10:18:14 GMT"
}

function formatDate(kind, seconds) {
  const d = new Date(seconds * 1000);
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  switch (kind) {
    case 'date': return httpDate(seconds);
    case 'rfc850': return `${DAYS[d.getUTCDay()]}, ${pad2(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad2(d.getUTCFullYear() % 100)} ${time} GMT`;
    case 'asctime': return `${DAYS[d.getUTCDay()].slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
    default: return String(seconds);
  }
}

function isoSeconds(seconds) {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Expands the placeholders of a trace (a Buffer) for a run starting at t0
// (seconds since the epoch). Returns a new Buffer.
function expandTrace(buf, t0) {
  // latin1 keeps every byte as one char, so non-UTF-8 bytes survive.
  const text = buf.toString('latin1').replace(PLACEHOLDER, (_, kind, off) => {
    return formatDate(kind, t0 + Number(off));
  });
  return Buffer.from(text, 'latin1');
}

// Splits a trace into ops: {line, op, url, value (Buffer or null), seconds}.
// Mirrors bsim's reader: comment and blank lines skipped, CR before LF
// dropped, the value is everything after the one space that ends the URL.
function parseTrace(buf) {
  const ops = [];
  let start = 0;
  let lineNo = 0;
  while (start <= buf.length) {
    let end = buf.indexOf(0x0a, start);
    if (end < 0) end = buf.length;
    lineNo++;
    let line = buf.subarray(start, end);
    start = end + 1;
    if (line.length && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
    let i = 0;
    while (i < line.length && (line[i] === 0x20 || line[i] === 0x09)) i++;
    if (i === line.length || line[i] === 0x23 /* # */) {
      if (end === buf.length) break;
      continue;
    }
    let j = i;
    while (j < line.length && line[j] !== 0x20 && line[j] !== 0x09) j++;
    const op = line.subarray(i, j).toString('latin1');
    if (!OPS.has(op)) throw new Error(`line ${lineNo}: unknown operation "${op}"`);
    const entry = { line: lineNo, op, url: null, value: null, seconds: 0 };
    if (op === 'close' || op === 'dump') {
      ops.push(entry);
    } else {
      while (j < line.length && (line[j] === 0x20 || line[j] === 0x09)) j++;
      let k = j;
      while (k < line.length && line[k] !== 0x20) k++;
      const arg = line.subarray(j, k).toString('utf8');
      if (op === 'wait') {
        entry.seconds = Number(arg);
      } else {
        entry.url = arg;
        if (VALUE_OPS.has(op)) {
          if (k >= line.length) throw new Error(`line ${lineNo}: "${op}" needs a URL, one space and a value`);
          entry.value = Buffer.from(line.subarray(k + 1));
        }
      }
      ops.push(entry);
    }
    if (end === buf.length) break;
  }
  return ops;
}

module.exports = { parseTrace, expandTrace, httpDate, isoSeconds, PLACEHOLDER };
