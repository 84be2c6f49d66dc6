// A small static server for the dashboard: www/ at /, the built package at
// /pkg/, on 127.0.0.1 only. `.wasm` goes out as application/wasm so that
// streaming compilation works.
//
// With a proxy target (`--proxy https://chat.example.com/chat/`), requests
// for /api/… go to the target's /chat/api/… (its path kept) with the
// dashboard's headers, so the page works against a real Rocket.Chat without
// turning on its CORS setting: for the browser it is all one origin.
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { createGzip } from 'node:zlib';

const root = resolve(new URL('..', import.meta.url).pathname);
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8', '.png': 'image/png', '.ico': 'image/x-icon',
};

/**
 * Starts the server; resolves to `{ url, close }`. With `isolated`, pages
 * are cross-origin isolated (COOP/COEP), which gives them a 5 µs timer
 * instead of 100 µs (the browser benchmark needs it).
 */
export function serve({ port = 8080, dir = 'www', host = '127.0.0.1', isolated = false, proxy = null } = {}) {
  const base = resolve(root, dir);
  const target = proxy ? new URL(proxy.endsWith('/') ? proxy : `${proxy}/`) : null;
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (target && url.pathname.startsWith('/api/')) return forward(req, res, new URL(`${url.pathname.slice(1)}${url.search}`, target));
    if (url.pathname === '/__proxy') {
      const body = JSON.stringify(target ? { target: target.href } : {});
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
    const path = decodeURIComponent(url.pathname);
    const fromPkg = path.startsWith('/pkg/');
    const top = fromPkg ? resolve(root, 'pkg') : base;
    let file = normalize(join(top, fromPkg ? path.slice(4) : path));
    if (!file.startsWith(top)) return void res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const headers = { 'content-type': type, 'cache-control': 'no-cache', vary: 'accept-encoding' };
      if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      // Text and wasm compress 3-10×: what a real host does, and what a
      // first visit over a slow link needs. Not files over 32 MB: gzip on
      // the fly runs at about 30 MB/s here, so the benchmarks' room files
      // (45 and 448 MB) would time this server instead of the library.
      const gzip = size <= 32e6 && /text|json|wasm|svg/.test(type) && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
      if (gzip) headers['content-encoding'] = 'gzip';
      else headers['content-length'] = size;
      res.writeHead(200, headers);
      const body = createReadStream(file);
      (gzip ? body.pipe(createGzip({ level: 6 })) : body).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  /** Sends `req` on to `to` and streams the answer back, status and body verbatim. */
  function forward(req, res, to) {
    const headers = { ...req.headers, host: to.host };
    delete headers.origin;
    delete headers.referer;
    const send = to.protocol === 'https:' ? httpsRequest : httpRequest;
    const out = send(to, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error) => {
      res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, error: `proxy: ${error.message}` }));
    });
    req.pipe(out);
  }

  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done({ url: `http://${host}:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }));
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
