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

/** Starts the server; resolves to `{ url, close }`. */
export function serve({ port = 8080, dir = 'www', host = '127.0.0.1' } = {}) {
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
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-cache' });
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
