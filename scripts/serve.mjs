// A small static server for the dashboard: www/ at /, the built package at
// /pkg/, on a loopback address only. `.wasm` goes out as application/wasm
// so that streaming compilation works.
//
// With a proxy target (`--proxy https://chat.example.com/chat/`), GET and
// HEAD requests for /api/… go to the target's /chat/api/… (its path kept),
// so the page works against a real Rocket.Chat without turning on its CORS
// setting: for the browser it is all one origin.
//
// A manager runs this on the machine where they are logged in to their
// server, so no other page may use it:
// - it answers only a `Host` that names it (localhost, 127.0.0.1 or [::1]
//   with its port), 421 otherwise: a DNS-rebound name never reaches it;
// - the proxy refuses requests another site makes (`Origin` not its own,
//   `Sec-Fetch-Site` cross-site or same-site: 403), forwards only the
//   headers a REST call needs (never `Cookie` or `Authorization`), takes
//   the server's CORS headers off its answers, and passes no redirect on;
// - a malformed request is a 400, and no file outside the served folders
//   is read (resolved paths are compared, not prefixes).
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, relative, resolve, isAbsolute, sep } from 'node:path';
import { createGzip } from 'node:zlib';

const root = resolve(new URL('..', import.meta.url).pathname);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8', '.png': 'image/png', '.ico': 'image/x-icon',
};
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** The request headers a REST call needs; nothing else is forwarded. */
const FORWARDED = ['x-user-id', 'x-auth-token', 'accept', 'accept-encoding', 'content-type'];
/** The answer headers passed back; CORS, cookies and redirects stay behind. */
const RETURNED = ['content-type', 'content-encoding', 'content-length', 'cache-control', 'retry-after', 'date', 'etag', 'last-modified', 'vary'];

/** `file` when it lies inside `top` (resolved, not by prefix), else `null`. */
function inside(top, path) {
  const file = resolve(top, `.${sep}${path}`);
  const rel = relative(top, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? file : null;
}

/**
 * Starts the server; resolves to `{ url, close }`. With `isolated`, pages
 * are cross-origin isolated (COOP/COEP), which gives them a 5 µs timer
 * instead of 100 µs (the browser benchmark needs it).
 */
export function serve({ port = 8080, dir = 'www', host = '127.0.0.1', isolated = false, proxy = null } = {}) {
  if (!LOOPBACK.has(host)) throw new Error(`serve: ${host} is not a loopback address; this server listens on the loopback only`);
  const base = resolve(root, dir);
  const target = proxy ? new URL(proxy.endsWith('/') ? proxy : `${proxy}/`) : null;
  let hosts = new Set();
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('bad request');
    }
  });
  // A request Node cannot parse: answered, never a crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
  });

  function handle(req, res) {
    if (!hosts.has(String(req.headers.host ?? '').toLowerCase())) {
      return void res.writeHead(421, { 'content-type': 'text/plain' }).end('misdirected request: this server answers only its own loopback address');
    }
    const url = new URL(req.url, 'http://x');
    const path = decodeURIComponent(url.pathname); // a malformed escape throws: 400
    // The page asks /proxy.json whether there is a proxy: a static host
    // serves the built file (`{}`); this server answers it with its target.
    if (url.pathname.startsWith('/api/') || (url.pathname === '/proxy.json' && target)) {
      const site = req.headers['sec-fetch-site'];
      const origin = req.headers.origin;
      if (site === 'cross-site' || site === 'same-site' || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
        return void res.writeHead(403, { 'content-type': 'text/plain' }).end('another site may not use this proxy');
      }
      if (url.pathname === '/proxy.json') {
        const body = JSON.stringify(target ? { target: target.href } : {});
        return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      }
      if (target) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('the proxy forwards GET and HEAD only');
        return forward(req, res, new URL(`${url.pathname.slice(1)}${url.search}`, target));
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const fromPkg = path.startsWith('/pkg/');
    const top = fromPkg ? resolve(root, 'pkg') : base;
    let file = inside(top, fromPkg ? path.slice(4) : path);
    if (!file || path.includes('\0')) return void res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const headers = { 'content-type': type, 'cache-control': 'no-cache', vary: 'accept-encoding' };
      if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      // Text and wasm compress 3-10×: what a real host does, and what a
      // first visit over a slow link needs. Not files over 32 MB: gzip on
      // the fly is slow enough that the benchmarks' room files would time
      // this server instead of the library.
      const gzip = size <= 32e6 && /text|json|wasm|svg/.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      if (gzip) headers['content-encoding'] = 'gzip';
      else headers['content-length'] = size;
      res.writeHead(200, headers);
      if (req.method === 'HEAD') return void res.end();
      const body = createReadStream(file);
      body.on('error', () => res.destroy());
      (gzip ? body.pipe(createGzip({ level: 6 })) : body).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  }

  /** Sends `req` on to `to` with only a REST call's headers, and its answer back without CORS, cookies or redirects. */
  function forward(req, res, to) {
    const headers = { host: to.host };
    for (const name of FORWARDED) if (req.headers[name] !== undefined) headers[name] = req.headers[name];
    const send = to.protocol === 'https:' ? httpsRequest : httpRequest;
    const fail = (status, error) => {
      if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, error: `proxy: ${error}` }));
    };
    const out = send(to, { method: req.method, headers }, (answer) => {
      if (answer.statusCode >= 300 && answer.statusCode < 400) {
        answer.resume();
        return fail(502, `the server answered ${answer.statusCode} to ${answer.headers.location ?? 'somewhere'}; redirects are not followed`);
      }
      const back = {};
      for (const name of RETURNED) if (answer.headers[name] !== undefined) back[name] = answer.headers[name];
      res.writeHead(answer.statusCode, back);
      answer.pipe(res);
    });
    out.on('error', (error) => fail(502, error.message));
    out.end();
  }

  return new Promise((done, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const listening = server.address().port;
      hosts = new Set(['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${listening}`));
      const shown = host === '::1' ? '[::1]' : host;
      done({ url: `http://${shown}:${listening}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // node scripts/serve.mjs [dir] [--proxy URL]   (PROXY=URL works too)
  const args = process.argv.slice(2);
  const at = args.indexOf('--proxy');
  const proxy = at >= 0 ? args.splice(at, 2)[1] : process.env.PROXY || null;
  if (at >= 0 && !proxy) throw new Error('--proxy needs a server URL, e.g. --proxy https://chat.example.com/');
  const { url } = await serve({ port: Number(process.env.PORT ?? 8080), dir: args[0] ?? 'www', proxy });
  console.log(`dashboard: ${url}  (Ctrl+C to stop)`);
  if (proxy) console.log(`  ${url}api/… is proxied to ${new URL('api/', proxy.endsWith('/') ? proxy : `${proxy}/`).href}`);
}
