// Hostile requests against the real scripts/serve.mjs with a proxy target:
// what a page on another site, a DNS-rebound name, or a malformed request
// can get from the proxy a manager runs while logged in to their server.
// The upstream here records every request it receives, so "never forwarded"
// is checked where it matters: at the server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '../../scripts/serve.mjs';

let upstream;
let site;
let port;
let folder;
const received = [];

before(async () => {
  folder = mkdtempSync(join(tmpdir(), 'serve-'));
  mkdirSync(join(folder, 'www'));
  mkdirSync(join(folder, 'www-secret'));
  writeFileSync(join(folder, 'www', 'index.html'), '<!doctype html><title>dashboard</title>');
  writeFileSync(join(folder, 'www-secret', 'token.txt'), 'SECRET');
  writeFileSync(join(folder, 'outside.txt'), 'OUTSIDE');
  upstream = createServer((req, res) => {
    received.push({ method: req.method, url: req.url, headers: req.headers });
    if (req.url.startsWith('/chat/api/redirect')) return void res.writeHead(302, { location: 'https://evil.example/steal' }).end();
    res.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      'set-cookie': 'rc_token=abc',
    }).end('{"success":true}');
  });
  await new Promise((r) => upstream.listen(0, '127.0.0.1', r));
  site = await serve({ port: 0, dir: join(folder, 'www'), proxy: `http://127.0.0.1:${upstream.address().port}/chat` });
  port = new URL(site.url).port;
});
after(async () => {
  await site.close();
  await new Promise((r) => upstream.close(r));
  rmSync(folder, { recursive: true, force: true });
});

/** One raw request; resolves to `{ status, headers, body }`. */
function ask(path, { method = 'GET', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the proxy forwards a same-origin GET with only a REST call\'s headers', async () => {
  received.length = 0;
  const answer = await ask('/api/v1/livechat/rooms?count=1', {
    headers: { 'x-user-id': 'u', 'x-auth-token': 't', accept: 'application/json', cookie: 'rc_token=browser', authorization: 'Bearer browser', 'x-forwarded-for': '1.2.3.4', 'sec-fetch-site': 'same-origin', origin: `http://127.0.0.1:${port}` },
  });
  assert.equal(answer.status, 200);
  assert.equal(answer.body, '{"success":true}');
  assert.equal(received.length, 1);
  assert.equal(received[0].url, '/chat/api/v1/livechat/rooms?count=1');
  const sent = Object.keys(received[0].headers).filter((h) => !['host', 'connection'].includes(h)).sort();
  assert.deepEqual(sent, ['accept', 'x-auth-token', 'x-user-id']);
  for (const name of Object.keys(answer.headers)) assert.doesNotMatch(name, /^access-control-|^set-cookie$/, `${name} passed back`);
});

test('a Host that is not the proxy\'s own address is refused with 421 (DNS rebinding), and nothing is forwarded', async () => {
  received.length = 0;
  for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', 'localhost']) {
    const answer = await ask('/api/v1/livechat/rooms', { headers: { host } });
    assert.equal(answer.status, 421, `Host: ${host}`);
  }
  for (const host of [`localhost:${port}`, `[::1]:${port}`]) assert.equal((await ask('/', { headers: { host } })).status, 200, host);
  assert.equal(received.length, 0);
});

test('requests another site makes are refused with 403: Origin, Sec-Fetch-Site', async () => {
  received.length = 0;
  const hostile = [
    { origin: 'https://evil.example' },
    { origin: `http://localhost:${Number(port) + 1}` },
    { origin: 'null' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
  ];
  for (const headers of hostile) {
    assert.equal((await ask('/api/v1/livechat/rooms', { headers })).status, 403, JSON.stringify(headers));
    assert.equal((await ask('/proxy.json', { headers })).status, 403, `/proxy.json ${JSON.stringify(headers)}`);
  }
  assert.equal(received.length, 0);
});

test('only GET and HEAD are forwarded: POST, PUT, DELETE and preflights are not', async () => {
  received.length = 0;
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
    const answer = await ask('/api/v1/livechat/rooms', { method, headers: { 'access-control-request-method': 'POST' } });
    assert.equal(answer.status, 405, method);
    assert.equal(answer.headers['access-control-allow-origin'], undefined);
  }
  assert.equal(received.length, 0);
  assert.equal((await ask('/api/v1/info', { method: 'HEAD' })).status, 200);
  assert.equal(received.length, 1);
});

test('a redirect from the server is not passed on', async () => {
  const answer = await ask('/api/redirect');
  assert.equal(answer.status, 502);
  assert.equal(answer.headers.location, undefined);
  assert.match(answer.body, /redirects are not followed/);
});

test('malformed URLs are a 400 and the process lives on', async () => {
  for (const path of ['/%E0%A4%A', '/%', '/api/%ZZ', '/pkg/%E0']) assert.equal((await ask(path)).status, 400, path);
  // A request line Node cannot parse.
  const raw = await new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n'));
    let text = '';
    socket.on('data', (c) => (text += c));
    socket.on('close', () => resolve(text));
  });
  assert.match(raw, /^HTTP\/1\.1 400/);
  assert.equal((await ask('/')).status, 200, 'still serving');
});

test('no file outside the served folder: sibling folders with the same prefix, encoded dots, absolute paths', async () => {
  for (const path of ['/..%2fwww-secret/token.txt', '/%2e%2e/www-secret/token.txt', '/..%2f..%2foutside.txt', '/%2e%2e%2foutside.txt', '/..%5coutside.txt', '/index.html%00.png']) {
    const answer = await ask(path);
    assert.ok(answer.status === 403 || answer.status === 404 || answer.status === 400, `${path}: ${answer.status}`);
    assert.doesNotMatch(answer.body, /SECRET|OUTSIDE/, path);
  }
  assert.equal((await ask('/index.html')).status, 200);
});

test('it refuses to listen anywhere but the loopback', () => {
  assert.throws(() => serve({ port: 0, host: '0.0.0.0' }), /loopback/);
});
