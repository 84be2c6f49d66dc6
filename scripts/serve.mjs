// A small static server for the dashboard: www/ at /, the built package at
// /pkg/, on 127.0.0.1 only. `.wasm` goes out as application/wasm so that
// streaming compilation works.
import { createServer } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';

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
export function serve({ port = 8080, dir = 'www', host = '127.0.0.1', isolated = false } = {}) {
  const base = resolve(root, dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const fromPkg = path.startsWith('/pkg/');
    const top = fromPkg ? resolve(root, 'pkg') : base;
    let file = normalize(join(top, fromPkg ? path.slice(4) : path));
    if (!file.startsWith(top)) return void res.writeHead(403).end();
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const size = statSync(file).size;
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' };
      if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
      res.writeHead(200, headers);
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => done({ url: `http://${host}:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await serve({ port: Number(process.env.PORT ?? 8080), dir: process.argv[2] ?? 'www' });
  console.log(`dashboard: ${url}  (Ctrl+C to stop)`);
}
