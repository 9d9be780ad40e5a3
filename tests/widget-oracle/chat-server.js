'use strict';
// chat-server.js: the loopback HTTP server a recording talks to. It is the
// only server Chromium reaches (every host name is mapped to it), and it
// plays three parts:
//
//  - a fake Genesys Mobile Services chat API (GMS Chat API v2), as far as
//    the widget's default transport uses it: POST <dataURL>/ requests a
//    chat; POST <dataURL>/<chatId>/<op> with op refresh (poll), send,
//    startTyping, stopTyping, customNotice, updateData, disconnect. Bodies
//    are form-encoded, replies JSON {chatId, secureKey, alias, userId,
//    statusCode, chatEnded, messages[], nextPosition}; a message is {index,
//    type, text?, utcTime, from{nickname, participantId, type}}. The
//    customer's own ParticipantJoined is message 1 of every chat;
//  - the host page for any other path of any host (page.js);
//  - the widget's files from vendor/ (git-ignored; README.md says how to
//    get them).
//
// Ids are counters, not random, so two recordings of one step list give
// the same cookie values. Every API call is logged with its outcome; the
// recorder attributes calls to tabs from the browser side.

const fs = require('fs');
const http = require('http');
const path = require('path');
const querystring = require('querystring');
const page = require('./page');

const VENDOR = path.join(__dirname, 'vendor');
const API = '/genesys/2/chat/';

class ChatServer {
  constructor(clock) {
    this.clock = clock;          // () => ms since the recording began
    this.chats = new Map();
    this.serial = 0;
    this.fault = null;           // null | {kind:'reset'} | {kind:'status', status}
    this.delayMs = 0;            // every API answer waits this long
    this.agentName = 'Kate';
    this.config = {};            // the page's widget configuration (page.js)
    this.log = [];               // API calls
    this.pages = [];             // page loads (navigation requests)
    this.sockets = new Set();
    this.pending = new Set();    // API calls waiting out delayMs
  }

  newChat(nickname) {
    const n = ++this.serial;
    const chat = {
      chatId: 'C' + String(n).padStart(15, '0'),
      secureKey: 'k' + String(n).padStart(15, '0'),
      alias: '801',
      userId: 'U' + String(n).padStart(15, '0'),
      messages: [], ended: false, agentIn: false, nickname: nickname || 'Customer',
    };
    this.chats.set(chat.chatId, chat);
    this.push(chat, 'ParticipantJoined', this.customer(chat));
    return chat;
  }

  customer(chat) { return { nickname: chat.nickname, participantId: 1, type: 'Client' }; }
  agent() { return { nickname: this.agentName, participantId: 2, type: 'Agent' }; }

  push(chat, type, from, text) {
    const m = { index: chat.messages.length + 1, type, utcTime: 1700000000000 + chat.messages.length * 1000, from };
    if (text !== undefined) m.text = text;
    chat.messages.push(m);
  }

  // The latest chat the server still knows and that has not ended.
  current() {
    const live = [...this.chats.values()].filter((c) => !c.ended);
    return live[live.length - 1] || null;
  }

  // A server-side action from a step list; returns what it touched.
  act(what, arg) {
    const chat = this.current();
    const touched = chat ? chat.chatId : null;
    switch (what) {
      case 'join':
        if (chat && !chat.agentIn) { chat.agentIn = true; this.push(chat, 'ParticipantJoined', this.agent()); }
        break;
      case 'say':
        if (chat) {
          if (!chat.agentIn) { chat.agentIn = true; this.push(chat, 'ParticipantJoined', this.agent()); }
          this.push(chat, 'Message', this.agent(), arg);
        }
        break;
      case 'typing':
        if (chat) this.push(chat, 'TypingStarted', this.agent());
        break;
      case 'leave':
        if (chat && chat.agentIn) { chat.agentIn = false; this.push(chat, 'ParticipantLeft', this.agent()); }
        break;
      case 'end':
        if (chat) { if (chat.agentIn) this.push(chat, 'ParticipantLeft', this.agent()); chat.ended = true; }
        break;
      case 'forget':
        this.chats.clear();
        break;
      case 'down':
        this.fault = { kind: 'reset' };
        for (const p of [...this.pending]) { clearTimeout(p.timer); p.reset(); }
        break;
      case 'status':
        this.fault = { kind: 'status', status: Number(arg) || 500 };
        break;
      case 'up':
        // A call already waiting keeps its delay (a poll in flight stays slow).
        this.fault = null; this.delayMs = 0;
        break;
      case 'slow':
        this.delayMs = Number(arg) || 0;
        break;
      default:
        throw new Error('unknown server action ' + what);
    }
    return { chat: touched };
  }

  // Plant a chat the server knows without any page (a support engineer's case).
  plant(nickname) { return this.newChat(nickname); }

  reply(chat, from) {
    return {
      chatId: chat.chatId, secureKey: chat.secureKey, alias: chat.alias, userId: chat.userId,
      statusCode: 0, chatEnded: chat.ended,
      messages: from ? chat.messages.filter((m) => m.index >= from) : [],
      nextPosition: chat.messages.length + 1,
    };
  }

  cors(req) {
    return {
      'access-control-allow-origin': req.headers.origin || '*',
      'access-control-allow-methods': 'POST, GET, OPTIONS',
      'access-control-allow-headers': req.headers['access-control-request-headers'] || 'content-type',
      'access-control-max-age': '600',
      vary: 'Origin',
    };
  }

  api(req, res, body) {
    const url = new URL(req.url, 'http://x');
    const parts = url.pathname.slice(API.length).split('/').filter(Boolean);
    const form = querystring.parse(body);
    const op = parts[1] ? (parts[2] || '') : 'requestChat';
    const entry = { t: this.clock(), op, chat: parts[1] || null, origin: req.headers.origin || null };
    if (form.transcriptPosition !== undefined) entry.position = Number(form.transcriptPosition);
    if (form.message) entry.message = String(form.message).slice(0, 60);
    const headers = Object.assign({ 'content-type': 'application/json', 'cache-control': 'no-store' }, this.cors(req));
    if (req.method === 'OPTIONS') { res.writeHead(204, headers); res.end(); return; }
    this.log.push(entry);
    const answer = (status, obj) => {
      entry.status = status;
      entry.end = this.clock();
      this.pending.delete(pend);
      if (obj && obj.messages) { entry.lines = obj.messages.length; entry.ended = obj.chatEnded; }
      if (obj && obj.errors) entry.error = obj.errors[0].code;
      res.writeHead(status, headers);
      res.end(JSON.stringify(obj));
    };
    // A call waiting out the delay ("slow") is reset at once by "down": an
    // outage while a request is in flight.
    const pend = { reset: () => { entry.status = 'reset'; entry.end = this.clock(); this.pending.delete(pend); req.socket.destroy(); } };
    const go = () => {
      if (this.fault && this.fault.kind === 'reset') { pend.reset(); return; }
      if (this.fault) { answer(this.fault.status, { statusCode: 2, errors: [{ code: this.fault.status, advice: 'fault' }] }); return; }
      if (op === 'requestChat') {
        const chat = this.newChat([form.firstName, form.lastName].filter(Boolean).join(' ') || form.nickname);
        entry.chat = chat.chatId;
        answer(200, this.reply(chat, 0));
        return;
      }
      const chat = this.chats.get(entry.chat);
      if (!chat) { answer(200, { statusCode: 2, chatEnded: true, messages: [], errors: [{ code: 102, advice: 'Chat session not found' }] }); return; }
      if (form.secureKey !== chat.secureKey) { answer(200, { statusCode: 2, chatEnded: true, messages: [], errors: [{ code: 103, advice: 'Invalid secure key' }] }); return; }
      if (op === 'refresh') { answer(200, this.reply(chat, Math.max(1, Number(form.transcriptPosition) || 1))); return; }
      if (op === 'send') { if (!chat.ended) this.push(chat, 'Message', this.customer(chat), String(form.message || '')); answer(200, this.reply(chat, 0)); return; }
      if (op === 'disconnect') {
        if (!chat.ended) { this.push(chat, 'ParticipantLeft', this.customer(chat)); chat.ended = true; }
        answer(200, this.reply(chat, 0));
        return;
      }
      if (['startTyping', 'stopTyping', 'customNotice', 'updateData'].includes(op)) { answer(200, this.reply(chat, 0)); return; }
      answer(404, { statusCode: 2, errors: [{ code: 404, advice: 'unknown operation' }] });
    };
    // A server that is down resets at once, slow or not.
    if (this.delayMs && !(this.fault && this.fault.kind === 'reset')) {
      entry.delay = this.delayMs;
      pend.timer = setTimeout(go, this.delayMs);
      this.pending.add(pend);
    } else go();
  }

  route(req, res, body) {
    const url = new URL(req.url, 'http://x');
    if (url.pathname.startsWith(API)) return this.api(req, res, body);
    if (url.pathname.startsWith('/vendor/')) {
      const rel = path.normalize(url.pathname.slice('/vendor/'.length));
      const file = path.join(VENDOR, rel);
      if (rel.startsWith('..') || !fs.existsSync(file)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('missing ' + url.pathname + ': fetch the widget as tests/widget-oracle/README.md says');
        return;
      }
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'application/json';
      res.writeHead(200, { 'content-type': type, 'cache-control': 'max-age=3600' });
      fs.createReadStream(file).pipe(res);
      return;
    }
    const dest = req.headers['sec-fetch-dest'];
    if (dest && dest !== 'document') { res.writeHead(204, { 'cache-control': 'no-store' }); res.end(); return; }
    const host = (req.headers.host || '').replace(/:\d+$/, '');
    // Chromium's own background requests reach this server too: log navigations only.
    if (req.headers['sec-fetch-mode'] === 'navigate' || req.headers['upgrade-insecure-requests']) {
      this.pages.push({ t: this.clock(), host, path: url.pathname, cookie: req.headers.cookie || '' });
    }
    // A page outside the step list's "site" (or with ?plain) has no widget.
    const site = this.config.site;
    const outside = site && host !== site && !host.endsWith('.' + site);
    const html = outside || url.searchParams.has('plain') ? page.plainHtml(host, url) : page.hostHtml(host, url, this.config);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html);
  }

  listen() {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        try { this.route(req, res, body); } catch (e) { res.writeHead(500); res.end(String(e && e.stack)); }
      });
    });
    this.server.keepAliveTimeout = 1000;
    this.server.on('connection', (s) => { this.sockets.add(s); s.on('close', () => this.sockets.delete(s)); });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port));
    });
  }

  close() {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

module.exports = { ChatServer, API };
